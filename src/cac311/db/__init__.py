"""Database access: engines, migrations, named SQL queries into Polars, bulk writes."""

from cac311.db.engine import DatabaseError, make_engine
from cac311.db.queries import run_query

__all__ = ["DatabaseError", "make_engine", "run_query"]
