from __future__ import annotations

import pytest

from cac311.auth import passwords
from cac311.errors import UserError


def test_hash_is_argon2id_salted_and_verifies() -> None:
    first = passwords.hash_password("una-clave-larga")
    second = passwords.hash_password("una-clave-larga")
    assert first.startswith("$argon2id$")
    assert "una-clave-larga" not in first
    assert first != second  # random salt
    assert passwords.verify_password(first, "una-clave-larga")
    assert not passwords.verify_password(first, "una-clave-largA")
    assert not passwords.needs_rehash(first)


@pytest.mark.parametrize("stored", [None, "", "not-a-hash"])
def test_missing_or_invalid_hash_never_verifies(stored: str | None) -> None:
    assert not passwords.verify_password(stored, "cualquier-cosa")


def test_short_password_refused() -> None:
    with pytest.raises(UserError, match="al menos 8"):
        passwords.hash_password("corta")
