"""The Draft page (logic in app.ui.draft)."""

from app.ui.draft import render

render()
