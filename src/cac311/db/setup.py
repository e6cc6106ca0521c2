"""Bring a database to a usable state: schema at head, working-day calendar, recorded settings."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.config import Settings
from cac311.db import migrate
from cac311.db.bulk import copy_into
from cac311.db.summaries import rebuild_summaries, summary_limit
from metrics.daycount import calendar_frame


def read_settings_table(conn: Connection) -> dict[str, str]:
    rows = conn.execute(sa.text("select key, value from app_settings")).all()
    return {str(k): str(v) for k, v in rows}


def write_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(sa.text("delete from app_settings where key = :key"), {"key": key})
    conn.execute(
        sa.text("insert into app_settings (key, value) values (:key, :value)"),
        {"key": key, "value": value},
    )


def _calendar_signature(settings: Settings) -> str:
    return json.dumps([d.isoformat() for d in settings.extra_days_off])


def refresh_calendar(conn: Connection, settings: Settings) -> bool:
    """(Re)build the calendar when missing or when the extra days off changed.

    When it changes, every case's (and transfer's) working-day ordinals are recomputed from it
    in SQL.
    """
    stored = read_settings_table(conn)
    signature = _calendar_signature(settings)
    count = conn.execute(sa.text("select count(*) from calendar")).scalar_one()
    if count and stored.get("dias_libres_extra") == signature:
        return False
    conn.execute(sa.text("delete from calendar"))
    copy_into(conn, "calendar", calendar_frame(settings.extra_days_off))
    for prefix in ("created", "closed"):
        conn.execute(
            sa.text(
                f"update cases set {prefix}_bday = "  # noqa: S608 - fixed identifiers
                f"(select c.bday_num from calendar as c where c.dia = cases.{prefix}_on) "
                f"where {prefix}_on is not null"
            )
        )
    conn.execute(  # the transfers' ordinal too (migration 0007, docs/metrics.md §15)
        sa.text(
            "update transfers set transferred_bday = "
            "(select c.bday_num from calendar as c where c.dia = transfers.transferred_on) "
            "where transferred_on is not null"
        )
    )
    write_setting(conn, "dias_libres_extra", signature)
    return True


def prepare_database(engine: Engine, settings: Settings) -> bool:
    """Upgrade the schema, make sure the calendar exists and the monthly summaries are built for
    the settings' legal limit. Returns True if anything changed."""
    upgraded = migrate.upgrade(engine)
    with engine.begin() as conn:
        changed = refresh_calendar(conn, settings)
        stored = read_settings_table(conn)
        if "zona_horaria" not in stored:
            write_setting(conn, "zona_horaria", settings.timezone)
        # The monthly summaries follow the working-day ordinals and the legal limit: rebuilt in
        # the same transaction when either changed (cac311.db.summaries).
        if changed or summary_limit(conn) != settings.legal_limit_days:
            rebuild_summaries(conn, settings.legal_limit_days)
            changed = True
    return upgraded or changed


def stored_timezone(conn: Connection, settings: Settings) -> str:
    """The time zone the stored local dates were computed in (fixed at database creation)."""
    return read_settings_table(conn).get("zona_horaria", settings.timezone)
