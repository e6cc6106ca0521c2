"""Server-side sessions of local accounts: opaque random tokens, only their hashes stored.

Grain of `user_sessions`: one row per sign-in of a local account. A row is

- *pending* right after the password was verified, when the browser has not yet picked up its
  cookie: it holds only the hash of a one-time code (`code_hash`, valid for
  `EXCHANGE_WINDOW`), which the `/api/sesion/abrir` route redeems exactly once for a fresh
  token that it sets as an HttpOnly cookie (`cac311.auth.routes`);
- *active* once it has a `token_hash` and no `ended_at`;
- *ended* with `ended_at` and an `end_reason` (`END_REASONS`): sign-out, idle or absolute
  expiry, the account disabled, its password changed, or a code never redeemed.

Tokens and codes are 256-bit values from `secrets.token_urlsafe`; the database keeps only their
SHA-256 (a fast hash is right here: the values are random, not passwords, so there is nothing to
guess). A value of the wrong shape is refused without a query. Every function that depends on
time takes `now` (naive UTC) so tests control the clock; the idle and absolute limits come from
`SessionPolicy` (`CAC311_SESION_MINUTOS`, `CAC311_SESION_MAX_HORAS`) when the session is checked,
so lowering them applies to sessions already open. Ending a session writes its audit row
(`sign_out`, `session_expired`, `session_revoked`) in the same transaction, exactly once even
when two tabs notice the expiry at the same time.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.auth import assignments
from cac311.auth.audit import insert_entry
from cac311.auth.identity import Identity, Role
from cac311.config import Settings

EXCHANGE_WINDOW: Final = timedelta(seconds=60)
TOUCH_INTERVAL: Final = timedelta(seconds=60)
RETENTION: Final = timedelta(days=30)
_SECRET_RE: Final = re.compile(r"^[A-Za-z0-9_-]{43}$")

EndReason = Literal[
    "sign_out", "expired_idle", "expired_absolute", "disabled", "password_changed", "unused"
]
END_REASONS: Final[tuple[EndReason, ...]] = (
    "sign_out",
    "expired_idle",
    "expired_absolute",
    "disabled",
    "password_changed",
    "unused",
)
Problem = Literal["unknown", "ended", "expired_idle", "expired_absolute", "disabled", "revoked"]

_metadata = sa.MetaData()
USER_SESSIONS = sa.Table(
    "user_sessions",
    _metadata,
    sa.Column("session_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("token_hash", sa.String(64)),
    sa.Column("code_hash", sa.String(64)),
    sa.Column("code_expires_at", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime),
    sa.Column("end_reason", sa.String(30)),
)
_USERS = sa.Table(
    "users",
    _metadata,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320)),
    sa.Column("role", sa.String(20)),
    sa.Column("entity_id", sa.String(40)),
    sa.Column("active", sa.Boolean),
)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a local session lives: `idle` without use, `absolute` after sign-in."""

    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(hours=24)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.session_minutes),
            absolute=timedelta(hours=settings.session_max_hours),
        )

    def expires_at(self, created_at: datetime) -> datetime:
        """When a session opened at `created_at` ends at the latest."""
        return created_at + self.absolute


@dataclass(frozen=True)
class SessionCheck:
    """What a presented token is worth: an identity, or why not (`problem`)."""

    identity: Identity | None = None
    problem: Problem | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Redeemed:
    """A redeemed one-time code: the new token (for the cookie) and when the session ends."""

    token: str
    expires_at: datetime


def new_secret() -> str:
    """A fresh 256-bit random value, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The stored form of a token or code: SHA-256, hex."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def well_formed(secret: str | None) -> bool:
    """True when `secret` has the shape of `new_secret()`; anything else is refused unread."""
    return bool(secret) and _SECRET_RE.fullmatch(str(secret)) is not None


def _user_id(conn: Connection, email: str) -> int:
    found = conn.execute(
        sa.select(_USERS.c.user_id).where(_USERS.c.email == email.strip().lower())
    ).scalar_one_or_none()
    if found is None:
        raise LookupError(f"no user {email!r}")
    return int(found)


def open_session(engine: Engine, email: str, now: datetime, policy: SessionPolicy) -> str:
    """Open an active session for `email` (its password was just verified); returns the token.

    Used where the browser cannot receive a cookie (the token then stays in the server-side
    Streamlit session of the tab).
    """
    token = new_secret()
    with engine.begin() as conn:
        sweep(conn, now, policy)
        conn.execute(
            sa.insert(USER_SESSIONS).values(
                user_id=_user_id(conn, email),
                token_hash=digest(token),
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def open_pending(engine: Engine, email: str, now: datetime, policy: SessionPolicy) -> str:
    """Open a pending session for `email`; returns the one-time code the browser redeems."""
    code = new_secret()
    with engine.begin() as conn:
        sweep(conn, now, policy)
        conn.execute(
            sa.insert(USER_SESSIONS).values(
                user_id=_user_id(conn, email),
                code_hash=digest(code),
                code_expires_at=now + EXCHANGE_WINDOW,
                created_at=now,
                last_seen_at=now,
            )
        )
    return code


def redeem_code(
    engine: Engine, code: str | None, now: datetime, policy: SessionPolicy
) -> Redeemed | None:
    """Turn a pending session's one-time code into its token, once; None when not valid.

    The conditional UPDATE makes it single-use on both databases: of two concurrent
    redemptions only one matches the row.
    """
    if not well_formed(code):
        return None
    token = new_secret()
    with engine.begin() as conn:
        row = conn.execute(
            sa.update(USER_SESSIONS)
            .where(
                USER_SESSIONS.c.code_hash == digest(str(code)),
                USER_SESSIONS.c.token_hash.is_(None),
                USER_SESSIONS.c.ended_at.is_(None),
                USER_SESSIONS.c.code_expires_at > now,
            )
            .values(
                token_hash=digest(token), code_hash=None, code_expires_at=None, last_seen_at=now
            )
            .returning(USER_SESSIONS.c.created_at)
        ).first()
    if row is None:
        return None
    return Redeemed(token=token, expires_at=policy.expires_at(row[0]))


_CHECK_COLUMNS = (
    USER_SESSIONS.c.session_id,
    USER_SESSIONS.c.created_at,
    USER_SESSIONS.c.last_seen_at,
    USER_SESSIONS.c.ended_at,
    USER_SESSIONS.c.end_reason,
    _USERS.c.user_id,
    _USERS.c.email,
    _USERS.c.role,
    _USERS.c.entity_id,
    _USERS.c.active,
)
_PROBLEM_OF_REASON: Final[dict[str, Problem]] = {
    "expired_idle": "expired_idle",
    "expired_absolute": "expired_absolute",
    "disabled": "disabled",
    "password_changed": "revoked",
}


def check_session(
    engine: Engine, token: str | None, now: datetime, policy: SessionPolicy
) -> SessionCheck:
    """The identity a presented token stands for at `now`, re-read from `users` every time.

    An expired session, or one whose user was disabled, is ended here (and audited) the first
    time it is presented; the activity time is moved forward at most once per `TOUCH_INTERVAL`.
    """
    if not well_formed(token):
        return SessionCheck(problem="unknown")
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(*_CHECK_COLUMNS)
            .select_from(USER_SESSIONS.join(_USERS, USER_SESSIONS.c.user_id == _USERS.c.user_id))
            .where(USER_SESSIONS.c.token_hash == digest(str(token)))
        ).first()
        if row is None:
            return SessionCheck(problem="unknown")
        data = row._mapping
        session_id = int(data["session_id"])
        email = str(data["email"])
        if data["ended_at"] is not None:
            return SessionCheck(problem=_PROBLEM_OF_REASON.get(str(data["end_reason"]), "ended"))
        reason: EndReason | None = None
        if not data["active"]:
            reason = "disabled"
        elif now >= policy.expires_at(data["created_at"]):
            reason = "expired_absolute"
        elif now - data["last_seen_at"] > policy.idle:
            reason = "expired_idle"
        if reason is not None:
            _end(conn, session_id, email, reason, now, policy=policy)
            return SessionCheck(problem=_PROBLEM_OF_REASON[reason])
        if now - data["last_seen_at"] >= TOUCH_INTERVAL:
            conn.execute(
                sa.update(USER_SESSIONS)
                .where(USER_SESSIONS.c.session_id == session_id)
                .values(last_seen_at=now)
            )
        role = cast(Role, data["role"])
        # An asesor's entities are read on every check, like the role: a change of assignment
        # applies to the next page run of an open session.
        entity_ids = (
            assignments.assigned(conn, int(cast(int, data["user_id"]))) if role == "asesor" else ()
        )
    identity = Identity(
        email=email,
        role=role,
        entity_id=cast("str | None", data["entity_id"]),
        via="local",
        entity_ids=entity_ids,
    )
    return SessionCheck(identity=identity, expires_at=policy.expires_at(data["created_at"]))


def end_session(engine: Engine, token: str | None, now: datetime) -> bool:
    """Sign-out: end the session of `token` (audited as `sign_out`). False if nothing was open."""
    if not well_formed(token):
        return False
    with engine.begin() as conn:
        row = conn.execute(
            sa.select(USER_SESSIONS.c.session_id, _USERS.c.email)
            .select_from(USER_SESSIONS.join(_USERS, USER_SESSIONS.c.user_id == _USERS.c.user_id))
            .where(
                USER_SESSIONS.c.token_hash == digest(str(token)),
                USER_SESSIONS.c.ended_at.is_(None),
            )
        ).first()
        if row is None:
            return False
        return _end(conn, int(row[0]), str(row[1]), "sign_out", now, policy=SessionPolicy())


def revoke_user_sessions(conn: Connection, email: str, reason: EndReason, now: datetime) -> int:
    """End every open session of `email` (disabled account, changed password); audited each.

    Runs inside the caller's transaction, so the change and the revocation commit together.
    """
    try:
        user_id = _user_id(conn, email)
    except LookupError:
        return 0
    open_ids = (
        conn.execute(
            sa.select(USER_SESSIONS.c.session_id).where(
                USER_SESSIONS.c.user_id == user_id, USER_SESSIONS.c.ended_at.is_(None)
            )
        )
        .scalars()
        .all()
    )
    policy = SessionPolicy()
    return sum(_end(conn, int(sid), email, reason, now, policy=policy) for sid in open_ids)


def active_sessions(engine: Engine, email: str, now: datetime, policy: SessionPolicy) -> int:
    """How many sessions of `email` are open and within their limits at `now`."""
    with engine.connect() as conn:
        try:
            user_id = _user_id(conn, email)
        except LookupError:
            return 0
        rows = conn.execute(
            sa.select(USER_SESSIONS.c.created_at, USER_SESSIONS.c.last_seen_at).where(
                USER_SESSIONS.c.user_id == user_id,
                USER_SESSIONS.c.ended_at.is_(None),
                USER_SESSIONS.c.token_hash.is_not(None),
            )
        ).all()
    return sum(
        1
        for created_at, last_seen_at in rows
        if now < policy.expires_at(created_at) and now - last_seen_at <= policy.idle
    )


_AUDIT_OF_REASON: Final[dict[str, tuple[str, str]]] = {
    "sign_out": ("sign_out", "local"),
    "expired_idle": ("session_expired", "sesión local: inactividad"),
    "expired_absolute": ("session_expired", "sesión local: duración máxima"),
    "disabled": ("session_revoked", "sesión local: usuario deshabilitado"),
    "password_changed": ("session_revoked", "sesión local: contraseña cambiada"),
}


def _end(
    conn: Connection,
    session_id: int,
    email: str,
    reason: EndReason,
    now: datetime,
    *,
    policy: SessionPolicy,
) -> bool:
    """End one open session and write its audit row; False when it was already ended."""
    ended = conn.execute(
        sa.update(USER_SESSIONS)
        .where(USER_SESSIONS.c.session_id == session_id, USER_SESSIONS.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    ).rowcount
    if not ended:
        return False
    audited = _AUDIT_OF_REASON.get(reason)
    if audited is not None:
        action, detail = audited
        if reason == "expired_idle":
            detail += f" ({int(policy.idle.total_seconds() // 60)} min)"
        elif reason == "expired_absolute":
            detail += f" ({int(policy.absolute.total_seconds() // 3600)} h)"
        insert_entry(conn, email, action, detail, now=now)
    return True


def sweep(conn: Connection, now: datetime, policy: SessionPolicy) -> int:
    """End the sessions past their limits (audited) and codes never redeemed; forget rows
    ended more than `RETENTION` ago (the audit log keeps their history). Returns how many
    sessions it ended."""
    joined = USER_SESSIONS.join(_USERS, USER_SESSIONS.c.user_id == _USERS.c.user_id)
    stale = conn.execute(
        sa.select(
            USER_SESSIONS.c.session_id,
            _USERS.c.email,
            USER_SESSIONS.c.created_at,
            USER_SESSIONS.c.token_hash,
        )
        .select_from(joined)
        .where(
            USER_SESSIONS.c.ended_at.is_(None),
            sa.or_(
                USER_SESSIONS.c.last_seen_at < now - policy.idle,
                USER_SESSIONS.c.created_at <= now - policy.absolute,
                USER_SESSIONS.c.code_expires_at <= now,
            ),
        )
    ).all()
    ended = 0
    for session_id, email, created_at, token_hash in stale:
        reason: EndReason
        if token_hash is None:
            reason = "unused"
        elif now >= policy.expires_at(created_at):
            reason = "expired_absolute"
        else:
            reason = "expired_idle"
        ended += _end(conn, int(session_id), str(email), reason, now, policy=policy)
    conn.execute(
        sa.delete(USER_SESSIONS).where(
            USER_SESSIONS.c.ended_at.is_not(None), USER_SESSIONS.c.ended_at < now - RETENTION
        )
    )
    return ended
