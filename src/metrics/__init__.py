"""Pure metric functions of SPEC §3: Polars in, Polars out. No Streamlit, SQLAlchemy, I/O, clock."""
