"""The Library page (logic in app.ui.library)."""

from app.ui.library import render

render()
