"""metrics.obligations: tiny frames with hand answers, and the fast path against a slow,
obviously-correct reference on random data (Hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from metrics import obligations as ob
from metrics.releases import RELEASES_SCHEMA

TZ = "America/Panama"
TODAY = date(2026, 11, 15)
ITEMS = ("directorio", "sla", "base_conocimiento")


def item_rows(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ob.REVIEW_ITEMS_SCHEMA, orient="row")


def test_review_item_state_by_hand() -> None:
    rows = item_rows(
        [
            # entidad_id, entidad, sector, item, imported, validated, pending, since, returned
            {"entidad_id": "B", "entidad": "b", "sector": "otro", "item": "sla",
             "last_imported_on": date(2026, 10, 1), "last_validated_on": date(2026, 10, 1),
             "pendientes": 0, "pending_since": None, "devueltas": 1},
            {"entidad_id": "A", "entidad": "a", "sector": "otro", "item": "sla",
             "last_imported_on": date(2026, 11, 1), "last_validated_on": date(2026, 10, 1),
             "pendientes": 1, "pending_since": datetime(2026, 11, 15, 4, 59),
             "devueltas": 0},
            {"entidad_id": "A", "entidad": "a", "sector": "otro", "item": "directorio",
             "last_imported_on": None, "last_validated_on": None,
             "pendientes": 0, "pending_since": None, "devueltas": 0},
        ]
    )  # fmt: skip
    state = ob.review_item_state(rows, TODAY, TZ)
    assert state.schema == pl.Schema(ob.ITEM_STATE_SCHEMA)
    assert state.select("entidad_id", "item", "origen", "dias_pendiente").rows() == [
        ("A", "directorio", None, None),
        ("A", "sla", "importado", 1),  # 04:59 UTC on the 15th is 23:59 local on the 14th
        ("B", "sla", "tablero", None),  # a tie goes to the dashboard
    ]
    assert state["pendiente_desde"][1] == datetime(2026, 11, 14, 23, 59)


maybe_date = st.one_of(st.none(), st.dates(date(2025, 1, 1), TODAY))
pending = st.one_of(st.none(), st.datetimes(datetime(2025, 1, 1), datetime(2026, 11, 15, 23, 0)))
item_row = st.fixed_dictionaries(
    {
        "entidad_id": st.sampled_from(["A", "B", "C", "D"]),
        "item": st.sampled_from(ITEMS),
        "last_imported_on": maybe_date,
        "last_validated_on": maybe_date,
        "pending_since": pending,
        "devueltas": st.integers(0, 3),
    }
)


def unique_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    seen: dict[tuple[object, object], dict[str, object]] = {}
    for row in rows:
        seen.setdefault((row["entidad_id"], row["item"]), row)
    return [
        {
            **row,
            "entidad": str(row["entidad_id"]).lower(),
            "sector": "otro",
            "pendientes": 0 if row["pending_since"] is None else 1,
        }
        for row in seen.values()
    ]


def slow_state(row: dict[str, object]) -> tuple[object, ...]:
    imported, validated = row["last_imported_on"], row["last_validated_on"]
    dates = [d for d in (imported, validated) if d is not None]
    latest = max(dates) if dates else None  # type: ignore[type-var]
    origin = None
    if validated is not None and (imported is None or validated >= imported):  # type: ignore[operator]
        origin = "tablero"
    elif imported is not None:
        origin = "importado"
    since = row["pending_since"]
    local = None
    days = None
    if isinstance(since, datetime):
        local = since.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(TZ)).replace(tzinfo=None)
        days = (TODAY - local.date()).days
    return (row["entidad_id"], row["item"], latest, origin, row["pendientes"], local, days)


@settings(max_examples=60, deadline=None)
@given(st.lists(item_row, max_size=14))
def test_review_item_state_matches_a_slow_reference(rows: list[dict[str, object]]) -> None:
    unique = unique_rows(rows)
    state = ob.review_item_state(item_rows(unique), TODAY, TZ)
    expected = sorted((slow_state(r) for r in unique), key=lambda t: (t[0], ITEMS.index(str(t[1]))))
    shown = state.select(
        "entidad_id", "item", "ultima_revision", "origen", "revisiones_pendientes",
        "pendiente_desde", "dias_pendiente",
    ).rows()  # fmt: skip
    assert shown == expected


release_state = st.fixed_dictionaries(
    {
        "pendientes": st.integers(0, 4),
        "devueltos": st.integers(0, 2),
        "validados": st.integers(0, 3),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(item_row, max_size=12),
    st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), release_state, max_size=4),
    st.dictionaries(
        st.sampled_from(["A", "B", "C", "D"]),
        st.tuples(st.integers(1, 9), st.floats(0, 100, allow_nan=False)),
        max_size=4,
    ),
)
def test_entity_obligations_matches_a_slow_reference(
    rows: list[dict[str, object]],
    states: dict[str, dict[str, int]],
    counted: dict[str, tuple[int, float]],
) -> None:
    unique = unique_rows(rows)
    items = ob.review_item_state(item_rows(unique), TODAY, TZ)
    state_frame = pl.DataFrame(
        [{"entidad_id": e, "entidad": e.lower(), "sector": "otro", **v} for e, v in states.items()],
        schema=ob.RELEASE_STATES_SCHEMA,
        orient="row",
    )
    summary = pl.DataFrame(
        [
            {"entidad_id": e, "entidad": e.lower(), "comunicados": n, "con_anticipacion": 0,
             "pct_con_anticipacion": pct, "mediana_anticipacion_horas": None}
            for e, (n, pct) in counted.items()
        ]
        + [{"entidad_id": "TOTAL", "entidad": "Total nacional", "comunicados": 99,
            "con_anticipacion": 0, "pct_con_anticipacion": 1.0,
            "mediana_anticipacion_horas": None}],
        schema=RELEASES_SCHEMA,
        orient="row",
    )  # fmt: skip
    result = ob.entity_obligations(items, state_frame, summary)

    by_entity: dict[str, list[tuple[object, ...]]] = {}
    for row in items.iter_rows(named=True):
        by_entity.setdefault(row["entidad_id"], []).append(
            (row["revisiones_pendientes"], row["dias_pendiente"], row["revisiones_devueltas"])
        )
    expected = []
    for entity, values in by_entity.items():
        ages = [v[1] for v in values if v[1] is not None]
        release = states.get(entity, {"pendientes": 0, "devueltos": 0})
        n, pct = counted.get(entity, (0, None))
        returned = sum(int(v[2]) for v in values)  # type: ignore[call-overload]
        expected.append(
            (
                entity,
                sum(int(v[0]) for v in values),  # type: ignore[call-overload]
                max(ages) if ages else None,
                returned,
                n,
                pct,
                release["pendientes"],
                release["devueltos"],
            )
        )
    expected.sort(
        key=lambda t: (-(t[2] if t[2] is not None else -1), -(t[3] + t[7]), t[0])  # type: ignore[operator]
    )
    shown = result.select(
        "entidad_id", "revisiones_pendientes", "dias_pendiente", "revisiones_devueltas",
        "comunicados", "pct_con_anticipacion", "comunicados_pendientes", "comunicados_devueltos",
    ).rows()  # fmt: skip
    assert shown == expected
    totals = ob.obligation_totals(result)
    assert totals["revisiones_pendientes"] == sum(t[1] for t in expected)  # type: ignore[misc]
    assert totals["comunicados_devueltos"] == sum(t[7] for t in expected)  # type: ignore[misc]


submission = st.fixed_dictionaries(
    {
        "tipo": st.sampled_from(["review", "release"]),
        "submitted_at": st.datetimes(datetime(2026, 1, 1), datetime(2026, 11, 15, 23)),
        "lead_seconds": st.integers(-200_000, 900_000),
        "status": st.sampled_from(["pendiente", "validado", "devuelto"]),
        "corregido": st.booleans(),
    }
)


def half_up_hours(seconds: int) -> float:
    value = Decimal(seconds) / Decimal(3600)
    return float(value.copy_abs().quantize(Decimal("0.1"), ROUND_HALF_UP).copy_sign(value))


@settings(max_examples=60, deadline=None)
@given(st.lists(submission, max_size=10))
def test_submission_view_matches_a_slow_reference(rows: list[dict[str, object]]) -> None:
    records = []
    for index, row in enumerate(rows):
        received = row["submitted_at"]
        assert isinstance(received, datetime)
        media = received + timedelta(seconds=int(row["lead_seconds"]))  # type: ignore[call-overload]
        records.append(
            {
                "tipo": row["tipo"], "submission_id": index + 1, "entidad_id": "A",
                "entidad": "a", "item": None, "titulo": None, "sin_cambios": None,
                "texto": None, "media_at": media if row["tipo"] == "release" else None,
                "attachment_id": None, "adjunto": None, "replaces_id": None,
                "submitted_by": "x@y.pa", "submitted_at": received, "status": row["status"],
                "decided_by": None, "decided_at": None, "return_reason": None,
                "corregido": row["corregido"],
            }
        )  # fmt: skip
    frame = pl.DataFrame(records, schema=ob.SUBMISSIONS_SCHEMA, orient="row")
    view = ob.submission_view(frame, TODAY, TZ)
    assert view.schema == pl.Schema(ob.SUBMISSION_VIEW_SCHEMA)
    for record, shown in zip(
        sorted(records, key=lambda r: (r["submitted_at"], r["tipo"], r["submission_id"])),  # type: ignore[arg-type, return-value]
        view.iter_rows(named=True),
        strict=True,
    ):
        received = record["submitted_at"]
        assert isinstance(received, datetime)
        local = received.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(TZ))
        assert shown["submission_id"] == record["submission_id"]
        assert shown["recibido"] == local.replace(tzinfo=None)
        assert shown["antiguedad_dias"] == (TODAY - local.date()).days
        media = record["media_at"]
        expected_lead = (
            half_up_hours(int((media - received).total_seconds()))
            if isinstance(media, datetime)
            else None
        )
        assert shown["anticipacion_horas"] == expected_lead
    queue = ob.pending_queue(view)
    assert queue["submission_id"].to_list() == [
        r["submission_id"] for r in view.iter_rows(named=True) if r["status"] == "pendiente"
    ]
    returns = ob.open_returns(view)
    assert all(
        r["status"] == "devuelto" and not r["corregido"] for r in returns.iter_rows(named=True)
    )
    assert returns.height == sum(
        1 for r in records if r["status"] == "devuelto" and not r["corregido"]
    )


def test_totals_of_nothing() -> None:
    empty = pl.DataFrame(schema=ob.ENTITY_OBLIGATIONS_SCHEMA)
    assert ob.obligation_totals(empty)["dias_pendiente"] is None
    assert_frame_equal(
        ob.pending_queue(ob.submission_view(pl.DataFrame(schema=ob.SUBMISSIONS_SCHEMA), TODAY, TZ)),
        pl.DataFrame(schema=ob.SUBMISSION_VIEW_SCHEMA),
    )
