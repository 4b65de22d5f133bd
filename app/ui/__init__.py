"""The Streamlit front end: an entry script (main.py), thin page scripts (pages/) and one logic module per page."""
