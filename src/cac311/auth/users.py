"""Dashboard users: roles, local-account sign-in with lockout, and the demo-mode rule.

Grain of the `users` table: one row per e-mail (stored lower-case). Functions that depend on
time take `now` (naive UTC) as an argument so tests control the clock.

Lockout: every wrong password adds one to `failed_attempts`; the 5th in a row locks the account
for 15 minutes (`locked_until`) and resets the counter. While locked, every attempt is refused
without checking the password and without extending the lock. A correct password resets the
counter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from cac311.auth import assignments, passwords
from cac311.auth.audit import insert_entry, utc_now
from cac311.auth.identity import ROLE_LABELS, ROLES, Identity, Role
from cac311.auth.sessions import EndReason, revoke_user_sessions
from cac311.errors import UserError

MAX_FAILED_ATTEMPTS: Final = 5
LOCK_DURATION: Final = timedelta(minutes=15)
_EMAIL_RE: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_metadata = sa.MetaData()
USERS = sa.Table(
    "users",
    _metadata,
    sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.String(40)),
    sa.Column("password_hash", sa.String(300)),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class UserRecord:
    """One row of `users`, without the password hash."""

    email: str
    role: Role
    entity_id: str | None
    active: bool
    has_password: bool
    failed_attempts: int
    locked_until: datetime | None
    entity_ids: tuple[str, ...] = ()  # an asesor's assigned entities

    def identity(self, via: Literal["local", "oidc"]) -> Identity:
        return Identity(
            email=self.email,
            role=self.role,
            entity_id=self.entity_id,
            via=via,
            entity_ids=self.entity_ids if self.role == "asesor" else (),
        )


SignInOutcome = Literal["ok", "invalid", "locked", "disabled"]


@dataclass(frozen=True)
class SignInResult:
    """What a sign-in attempt gave. `identity` is set only when `outcome == "ok"`."""

    outcome: SignInOutcome
    identity: Identity | None = None
    locked_until: datetime | None = None


def normalize_email(email: str) -> str:
    """The stored form of an e-mail (trimmed, lower-case); refuses what is not an e-mail."""
    cleaned = (email or "").strip().lower()
    if not _EMAIL_RE.match(cleaned) or len(cleaned) > 320:
        raise UserError(f"Correo electrónico inválido: {email!r}")
    return cleaned


def _entity_exists(conn: Connection, entity_id: str) -> bool:
    found = conn.execute(
        sa.text("select count(*) from entities where entity_id = :entity_id"),
        {"entity_id": entity_id},
    ).scalar_one()
    return bool(found)


def add_user(
    engine: Engine,
    email: str,
    role: str,
    entity_id: str | None = None,
    password: str | None = None,
    *,
    entity_ids: Sequence[str] = (),
) -> None:
    """Create a user. An enlace needs exactly one existing entity; an asesor one or more
    (`entity_ids`, or `entity_id` for one); admin and director have none.

    `password=None` creates an account that can only sign in through OIDC.
    """
    address = normalize_email(email)
    if role not in ROLES:
        raise UserError(f"Rol inválido: {role!r} (use {', '.join(ROLES)})")
    entities = assignments.clean_entities([entity_id, *entity_ids])
    if role == "enlace" and len(entities) != 1:
        raise UserError(
            "Un enlace necesita su entidad: use --entity ID."
            if not entities
            else "Un enlace pertenece a una sola entidad: use --entity una vez."
        )
    if role == "asesor" and not entities:
        raise UserError("Un asesor necesita al menos una entidad asignada: use --entity ID.")
    if role in ("admin", "director") and entities:
        raise UserError(f"El rol {role} ve todas las entidades; no use --entity.")
    entity = entities[0] if role == "enlace" else None
    password_hash = passwords.hash_password(password) if password is not None else None
    with engine.begin() as conn:
        if entity and not _entity_exists(conn, entity):
            raise UserError(f"No existe la entidad {entity!r}; impórtela antes de crear el enlace.")
        taken = conn.execute(
            sa.select(sa.func.count()).select_from(USERS).where(USERS.c.email == address)
        ).scalar_one()
        if taken:
            raise UserError(f"Ya existe un usuario con el correo {address}.")
        user_id = conn.execute(
            sa.insert(USERS)
            .values(
                email=address,
                role=role,
                entity_id=entity,
                password_hash=password_hash,
                active=True,
                failed_attempts=0,
                locked_until=None,
                created_at=utc_now(),
            )
            .returning(USERS.c.user_id)
        ).scalar_one()
        if role == "asesor":
            assignments.assign(conn, int(user_id), entities)


def _record_of(data: RowMapping, entity_ids: tuple[str, ...] = ()) -> UserRecord:
    return UserRecord(
        email=str(data["email"]),
        role=cast(Role, data["role"]),
        entity_id=cast("str | None", data["entity_id"]),
        active=bool(data["active"]),
        has_password=bool(data["password_hash"]),
        failed_attempts=int(cast(int, data["failed_attempts"])),
        locked_until=cast("datetime | None", data["locked_until"]),
        entity_ids=entity_ids,
    )


def _assigned_if_asesor(conn: Connection, data: RowMapping) -> tuple[str, ...]:
    if data["role"] != "asesor":
        return ()
    return assignments.assigned(conn, int(cast(int, data["user_id"])))


_RECORD_COLUMNS = (
    USERS.c.user_id,
    USERS.c.email,
    USERS.c.role,
    USERS.c.entity_id,
    USERS.c.active,
    USERS.c.password_hash,
    USERS.c.failed_attempts,
    USERS.c.locked_until,
)


def find_user(engine: Engine, email: str) -> UserRecord | None:
    """The user with this e-mail (any state), or None."""
    address = (email or "").strip().lower()
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_RECORD_COLUMNS).where(USERS.c.email == address)).first()
        if row is None:
            return None
        return _record_of(row._mapping, _assigned_if_asesor(conn, row._mapping))


def all_users(engine: Engine) -> list[UserRecord]:
    """Every user, ordered by e-mail."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*_RECORD_COLUMNS).order_by(USERS.c.email)).all()
        return [_record_of(row._mapping, _assigned_if_asesor(conn, row._mapping)) for row in rows]


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(USERS)).scalar_one())


def active_identity(
    engine: Engine, email: str | None, via: Literal["local", "oidc"]
) -> Identity | None:
    """The identity of an active user with this e-mail; None if unknown or disabled."""
    if not email:
        return None
    user = find_user(engine, email)
    if user is None or not user.active:
        return None
    return user.identity(via)


def list_lines(engine: Engine) -> list[str]:
    """Human-readable lines for `cac311 users list` (Spanish), one per user."""
    users = all_users(engine)
    if not users:
        return [
            "No hay usuarios. Cree el primero con: cac311 users add --email CORREO "
            "--role admin --password-stdin"
        ]
    now = utc_now()
    lines = []
    for user in users:
        state = "activo" if user.active else "deshabilitado"
        if user.locked_until is not None and user.locked_until > now:
            state += f", bloqueado hasta {user.locked_until:%d/%m/%Y %H:%M} UTC"
        sign_in = "contraseña" if user.has_password else "solo OIDC"
        entity = ", ".join(user.entity_ids) if user.role == "asesor" else user.entity_id or "-"
        lines.append(
            f"{user.email}\t{user.role} ({ROLE_LABELS[user.role]})\t{entity}\t{state}\t{sign_in}"
        )
    return lines


def disable_user(engine: Engine, email: str) -> int:
    """Disable a user: refused at the next sign-in; every open local session ends now.

    Returns how many open sessions were ended."""
    return _update_existing(engine, email, revoke="disabled", active=False)


def enable_user(engine: Engine, email: str) -> None:
    """Re-enable a disabled user (and clear any lock)."""
    _update_existing(engine, email, active=True, failed_attempts=0, locked_until=None)


def set_password(engine: Engine, email: str, password: str | None) -> int:
    """Set (or with None remove) a user's password; clears the failure count and any lock,
    and ends every open local session of the user (whoever knew the old one is out).

    Returns how many open sessions were ended."""
    password_hash = passwords.hash_password(password) if password is not None else None
    return _update_existing(
        engine,
        email,
        revoke="password_changed",
        password_hash=password_hash,
        failed_attempts=0,
        locked_until=None,
    )


def _update_existing(
    engine: Engine, email: str, *, revoke: EndReason | None = None, **values: object
) -> int:
    address = normalize_email(email)
    with engine.begin() as conn:
        changed = conn.execute(
            sa.update(USERS).where(USERS.c.email == address).values(**values)
        ).rowcount
        if not changed:
            raise UserError(f"No existe un usuario con el correo {address}.")
        if revoke is None:
            return 0
        return revoke_user_sessions(conn, address, revoke, utc_now())


def attempt_sign_in(engine: Engine, email: str, password: str, now: datetime) -> SignInResult:
    """Check a local-account sign-in at time `now` (naive UTC), applying the lockout rules.

    Writes the outcome to the audit log (sign_in, sign_in_failed, locked) in the same
    transaction as the counter update.
    """
    address = (email or "").strip().lower()
    with engine.begin() as conn:
        row = conn.execute(sa.select(*_RECORD_COLUMNS).where(USERS.c.email == address)).first()
        if row is None:
            passwords.verify_password(None, password)  # same cost as a real check
            insert_entry(conn, address or None, "sign_in_failed", "usuario desconocido", now=now)
            return SignInResult("invalid")
        user = _record_of(row._mapping, _assigned_if_asesor(conn, row._mapping))
        user_id = int(row._mapping["user_id"])
        if user.locked_until is not None and user.locked_until > now:
            insert_entry(conn, address, "locked", "intento con la cuenta bloqueada", now=now)
            return SignInResult("locked", locked_until=user.locked_until)
        if not passwords.verify_password(row._mapping["password_hash"], password):
            return _count_failure(conn, user_id, address, now)
        if not user.active:
            insert_entry(conn, address, "sign_in_failed", "usuario deshabilitado", now=now)
            return SignInResult("disabled")
        values: dict[str, object] = {"failed_attempts": 0, "locked_until": None}
        if passwords.needs_rehash(str(row._mapping["password_hash"])):
            values["password_hash"] = passwords.hash_password(password)
        conn.execute(sa.update(USERS).where(USERS.c.user_id == user_id).values(**values))
        insert_entry(conn, address, "sign_in", "local", now=now)
        return SignInResult("ok", identity=user.identity("local"))


def _count_failure(conn: Connection, user_id: int, address: str, now: datetime) -> SignInResult:
    # The update takes the row lock on PostgreSQL, so concurrent failures are all counted.
    conn.execute(
        sa.update(USERS)
        .where(USERS.c.user_id == user_id)
        .values(failed_attempts=USERS.c.failed_attempts + 1)
    )
    failures = int(
        conn.execute(
            sa.select(USERS.c.failed_attempts).where(USERS.c.user_id == user_id)
        ).scalar_one()
    )
    insert_entry(conn, address, "sign_in_failed", f"contraseña incorrecta ({failures})", now=now)
    if failures < MAX_FAILED_ATTEMPTS:
        return SignInResult("invalid")
    until = now + LOCK_DURATION
    conn.execute(
        sa.update(USERS)
        .where(USERS.c.user_id == user_id)
        .values(failed_attempts=0, locked_until=until)
    )
    insert_entry(
        conn,
        address,
        "locked",
        f"{failures} intentos fallidos; hasta {until:%Y-%m-%d %H:%M} UTC",
        now=now,
    )
    return SignInResult("locked", locked_until=until)


def is_demo_only_database(engine: Engine) -> bool:
    """True when the database holds demo data and nothing else, so the demo role picker is safe.

    Precisely: at least one row in `import_batches`, every one of them `is_demo`, and no row in
    `users`. Any real import (always recorded as a non-demo batch) or any user account turns it
    off for good.
    """
    with engine.connect() as conn:
        batches, real_batches, users = conn.execute(
            sa.text(
                "select"
                " (select count(*) from import_batches) as batches,"
                " (select count(*) from import_batches where not is_demo) as real_batches,"
                " (select count(*) from users) as users"
            )
        ).one()
    return int(batches) > 0 and int(real_batches) == 0 and int(users) == 0


def active_entities(engine: Engine) -> list[tuple[str, str]]:
    """(entity_id, name) of every active entity, ordered by id (for the demo enlace picker)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select entity_id, name from entities where active order by entity_id")
        ).all()
    return [(str(entity_id), str(name)) for entity_id, name in rows]
