"""The Chat page (logic in app.ui.chat)."""

from app.ui.chat import render

render()
