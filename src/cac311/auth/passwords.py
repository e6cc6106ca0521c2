"""Password hashing for local accounts: Argon2id through `argon2-cffi` (RFC 9106 defaults).

Only the encoded hash (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) is stored; it carries its
own parameters and salt, so the parameters can be raised later and old hashes still verify
(`needs_rehash` tells when to re-hash after a successful sign-in).
"""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cac311.errors import UserError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_HASHER = PasswordHasher()
# Verified against when the e-mail is unknown, so an unknown user costs as much time as a
# wrong password (no user enumeration by timing).
_DUMMY_HASH = _HASHER.hash("cac311-dummy-password-for-timing")


def validate_new_password(password: str) -> None:
    """Refuse a password that is too short or too long, with one Spanish line."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"La contraseña no puede tener más de {MAX_PASSWORD_LENGTH} caracteres.")


def hash_password(password: str) -> str:
    """The Argon2id hash of a new password (validated first)."""
    validate_new_password(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; False for a mismatch or no/invalid hash.

    With no hash (an OIDC-only account or an unknown user) a dummy hash is still verified so the
    answer takes the same time.
    """
    if not password_hash:
        _verify_dummy(password)
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash uses weaker parameters than the current ones."""
    return _HASHER.check_needs_rehash(password_hash)


def _verify_dummy(password: str) -> None:
    with contextlib.suppress(VerificationError):
        _HASHER.verify(_DUMMY_HASH, password)
