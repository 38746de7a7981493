"""The Streamlit shell around calfcore: who is viewing, the store, and shared rendering pieces.

Pages read widgets, call calfcore and render; they never run SQL or decide domain rules.
"""
