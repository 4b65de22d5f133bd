"""The BriefLens web UI entry script: `brieflens ui`, or `streamlit run app/ui/main.py`.

Settings come from BRIEFLENS_* variables (and .env) and are built once per session by state.init();
`brieflens ui` exports the Settings it built from its own options, so both processes agree.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app.ui import state
from app.ui.markup import CSS
from retrieval.errors import BriefLensError

PAGES = Path(__file__).with_name("pages")
# (script, title, icon): a new page is one module, one script and one line here.
NAV = (
    ("chat.py", "Chat", ":material/forum:"),
    ("draft.py", "Draft", ":material/edit_document:"),
    ("library.py", "Library", ":material/library_books:"),
    ("evaluate.py", "Evaluate", ":material/fact_check:"),
)

st.set_page_config(page_title="BriefLens", page_icon=":material/find_in_page:", layout="wide")
st.html(CSS)
state.init()
page = st.navigation([st.Page(PAGES / script, title=title, icon=icon) for script, title, icon in NAV])
try:
    state.lens()
except BriefLensError as e:
    st.error(f"BriefLens could not open its index: {e}")
    if e.help:
        st.caption(e.help)
    st.stop()
page.run()
