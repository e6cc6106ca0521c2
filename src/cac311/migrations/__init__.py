"""Alembic migrations of the Tablero 311 schema (run unchanged on SQLite and PostgreSQL)."""
