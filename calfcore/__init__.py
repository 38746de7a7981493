"""Calf Check's functional core: plain values in, plain values out.

Scoring, triage and routine code import neither streamlit nor duckdb. All SQL lives in the store package, `calfstore`.
"""
