"""Tablero 311: everything that is not a pure metric (db, ingest, export, auth, ui, cli)."""

__version__ = "0.1.0"
