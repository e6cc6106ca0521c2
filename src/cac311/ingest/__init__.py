"""Getting data in: local-date derivation, CSV/Excel import, demo data."""
