"""When each month's bundle was actually published (table `publications`, migration 0004).

Recorded automatically the first time a FINAL (non-partial) bundle is produced — by
`cac311 export publication` (source `cli`) or by a download on the Publicación page (source
`pagina`) — and never moved by later exports. An admin may mark (or correct) the date with a
reason (source `manual`), e.g. when the bundle went out late or outside the product; the audit
log keeps the previous value. Dates are local dates in the product's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from cac311.db.queries import run_query
from cac311.errors import UserError
from metrics.period import Month

PublicationSource = Literal["cli", "pagina", "manual"]
MAX_REASON: Final = 1000

_metadata = sa.MetaData()
PUBLICATIONS = sa.Table(
    "publications",
    _metadata,
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("published_on", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("recorded_by", sa.String(320)),
    sa.Column("reason", sa.String(1000)),
)
PUBLICATIONS_SCHEMA: Final[dict[str, pl.DataType]] = {
    "period": pl.String(),
    "published_on": pl.Date(),
    "source": pl.String(),
    "recorded_by": pl.String(),
    "reason": pl.String(),
    "recorded_at": pl.Datetime("us"),
}


@dataclass(frozen=True)
class PublicationRecord:
    period: str
    published_on: date
    source: str
    recorded_by: str | None
    reason: str | None


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date in the product's time zone (`now`: an aware instant, for tests)."""
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


def publications(engine: Engine) -> pl.DataFrame:
    """Every recorded publication (PUBLICATIONS_SCHEMA), by period."""
    return run_query(engine, "publications__list", {}, PUBLICATIONS_SCHEMA)


def published_dates(engine: Engine) -> dict[str, date]:
    """{"YYYY-MM": local publication date}."""
    frame = publications(engine)
    return dict(zip(frame["period"].to_list(), frame["published_on"].to_list(), strict=True))


def publication_of(engine: Engine, month: Month) -> PublicationRecord | None:
    rows = publications(engine).filter(pl.col("period") == str(month))
    if rows.is_empty():
        return None
    row = rows.row(0, named=True)
    return PublicationRecord(
        row["period"], row["published_on"], row["source"], row["recorded_by"], row["reason"]
    )


def record_first_publication(
    engine: Engine,
    month: Month,
    published_on: date,
    source: PublicationSource,
    recorded_by: str | None = None,
    *,
    now: datetime | None = None,
) -> bool:
    """Record the publication of `month` unless one is recorded already. True when recorded."""
    if source == "manual":
        raise ValueError("a manual mark goes through mark_publication (it needs a reason)")
    period = str(month)
    try:
        with engine.begin() as conn:
            exists = conn.execute(
                sa.select(sa.func.count())
                .select_from(PUBLICATIONS)
                .where(PUBLICATIONS.c.period == period)
            ).scalar_one()
            if exists:
                return False
            conn.execute(
                sa.insert(PUBLICATIONS).values(
                    period=period,
                    published_on=published_on,
                    recorded_at=now or utc_now(),
                    source=source,
                    recorded_by=recorded_by[:320] if recorded_by else None,
                    reason=None,
                )
            )
    except IntegrityError:  # another process recorded it between our check and our insert
        return False
    return True


def mark_publication(
    engine: Engine,
    month: Month,
    published_on: date,
    reason: str,
    recorded_by: str | None,
    *,
    today: date,
    now: datetime | None = None,
) -> PublicationRecord | None:
    """An admin's mark: set the publication date of `month` with a reason. Returns the record
    it replaced (None when there was none). UserError (one Spanish line) on bad input."""
    period = str(month)
    text = " ".join((reason or "").split())
    if not text:
        raise UserError(
            "Indique el motivo de la marca de publicación (por ejemplo, por qué fue tarde)."
        )
    if published_on <= month.last_day:
        raise UserError(
            f"La publicación de {period} no puede ser del {published_on:%d/%m/%Y}: el mes "
            f"termina el {month.last_day:%d/%m/%Y}."
        )
    if published_on > today:
        raise UserError(
            f"La fecha {published_on:%d/%m/%Y} es futura: marque solo publicaciones hechas."
        )
    previous = publication_of(engine, month)
    with engine.begin() as conn:
        conn.execute(sa.delete(PUBLICATIONS).where(PUBLICATIONS.c.period == period))
        conn.execute(
            sa.insert(PUBLICATIONS).values(
                period=period,
                published_on=published_on,
                recorded_at=now or utc_now(),
                source="manual",
                recorded_by=recorded_by[:320] if recorded_by else None,
                reason=text[:MAX_REASON],
            )
        )
    return previous
