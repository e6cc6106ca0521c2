"""Errors a user can act on. Their message is one Spanish sentence, shown without a traceback."""


class UserError(Exception):
    """Input or configuration the product cannot accept; `str(err)` is the whole message."""
