"""The Evaluate page (logic in app.ui.evaluate)."""

from app.ui.evaluate import render

render()
