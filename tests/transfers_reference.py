"""Slow, obviously correct reference of the transfer figures (docs/metrics.md §15), case by case
in plain Python: local dates from UTC instants, days counted by walking the calendar
(`tests.reference.DayCounter`), chains walked one transfer at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

from tests.reference import DayCounter, local_date, quantile, round1

TIMEZONE = "America/Panama"
MEDIAN = Fraction(1, 2)


@dataclass(frozen=True)
class RefTransfer:
    origin: str
    destination: str
    at: datetime  # naive UTC


@dataclass(frozen=True)
class RefTransferCase:
    case_id: str
    entity_id: str
    created_at: datetime
    closed_at: datetime | None
    status: str
    transfers: tuple[RefTransfer, ...]  # in insertion order (the tie-break of equal instants)


def _ordered(case: RefTransferCase) -> list[RefTransfer]:
    return [t for _, t in sorted(enumerate(case.transfers), key=lambda p: (p[1].at, p[0]))]


def breach_day(created: date, limit: int, mode: str, counter: DayCounter) -> date:
    """The first day whose day count from `created` exceeds `limit`."""
    day = created
    while counter.days(created, day, mode) <= limit:
        day += timedelta(days=1)
    return day


def reference_entity_figures(
    cases: list[RefTransferCase],
    month_first: date,
    month_last: date,
    mode: str,
    *,
    limit: int,
    min_left: int,
    datos_al: date,
) -> list[dict[str, Any]]:
    counter = DayCounter()
    out: dict[str, int] = defaultdict(int)
    into: dict[str, int] = defaultdict(int)
    received: dict[str, set[str]] = defaultdict(set)
    held: dict[str, list[int]] = defaultdict(list)
    breaches: dict[str, int] = defaultdict(int)
    inherited: dict[str, int] = defaultdict(int)
    for case in cases:
        if case.status == "anulado":
            continue
        created = local_date(case.created_at, TIMEZONE)
        end = local_date(case.closed_at, TIMEZONE) if case.closed_at else datos_al
        start = created
        holder_at_breach: tuple[str, int] | None = None
        due = breach_day(created, limit, mode, counter)
        for transfer in _ordered(case):
            on = local_date(transfer.at, TIMEZONE)
            if month_first <= on <= month_last:
                out[transfer.origin] += 1
                into[transfer.destination] += 1
                received[transfer.destination].add(case.case_id)
                held[transfer.origin].append(counter.days(start, on, mode))
            start = on
            age = counter.days(created, on, mode)
            if age <= limit:
                holder_at_breach = (transfer.destination, limit - age)
        if holder_at_breach and due <= end and month_first <= due <= month_last:
            entity, left = holder_at_breach
            breaches[entity] += 1
            if left < min_left:
                inherited[entity] += 1
    ids = set(out) | set(into) | set(received) | set(held) | set(breaches)
    return [
        {
            "entidad_id": e,
            "traslados_salida": out[e],
            "traslados_entrada": into[e],
            "casos_recibidos_traslado": len(received[e]),
            "mediana_dias_en_poder": round1(quantile(held[e], MEDIAN)),
            "vencidos_recibidos_traslado": breaches[e],
            "vencidos_heredados": inherited[e],
        }
        for e in sorted(ids)
    ]


def reference_broken(cases: list[RefTransferCase]) -> list[str]:
    """Ids of the non-anulado cases whose chain does not connect, sorted."""
    broken = []
    for case in cases:
        chain = _ordered(case)
        if case.status == "anulado" or not chain:
            continue
        jumps = any(b.origin != a.destination for a, b in pairwise(chain))
        if jumps or chain[-1].destination != case.entity_id:
            broken.append(case.case_id)
    return sorted(broken)


def reference_back_and_forth(
    cases: list[RefTransferCase], month_first: date, month_last: date
) -> list[tuple[str, str, str]]:
    """(case_id, devuelto_por, devuelto_a) of the transfers in M that return a case to an entity
    that transferred it out before."""
    rows = []
    for case in cases:
        if case.status == "anulado":
            continue
        chain = _ordered(case)
        for i, transfer in enumerate(chain):
            on = local_date(transfer.at, TIMEZONE)
            earlier_origins = {t.origin for t in chain[:i]}
            if month_first <= on <= month_last and transfer.destination in earlier_origins:
                rows.append((case.case_id, transfer.origin, transfer.destination))
    return sorted(rows)
