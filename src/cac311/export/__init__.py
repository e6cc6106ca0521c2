"""Exports: the monthly publication bundle (SPEC §5), for the CLI and the Publicación page."""
