"""Transfers and who owns a breach (docs/metrics.md §15) on SQLite and PostgreSQL: a
hand-computed month, both day-count modes, the filters, the case lists."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from cac311.analytics import transfers
from cac311.config import Settings
from cac311.db.setup import prepare_database
from cac311.filters import CaseFilters
from tests.analytics_calls import period
from tests.conftest import empty_tables
from tests.db.cases_support import insert_cases, insert_entities, utc
from tests.db.transfers_support import insert_transfers

ENTITIES = [
    ("AAA", "Entidad A", "ministerio", True),
    ("BBB", "Entidad B", "ministerio", True),
    ("CCC", "Entidad C", "municipio", True),
]
DATOS_AL = date(2026, 11, 10)


@pytest.fixture
def month_of_transfers(engine: Engine) -> Engine:
    """October–November 2026 (calendario, L = 30, K = 5), by hand:

    X created 1 Oct at AAA, AAA→BBB 28 Oct (27 days, 3 left), open: vencido on 1 Nov at BBB,
      inherited. Y created 1 Oct, AAA→BBB 20 Oct (19 days, 11 left), open: vencido on 1 Nov at
      BBB, received but not inherited. Z created 1 Oct, AAA→CCC 2 Nov (already vencido on 1 Nov
      at AAA): no breach of a transfer. W created 3 Oct, BBB→CCC 5 Oct, CCC→BBB 6 Oct (back and
      forth), closed 8 Oct. V created 1 Sep at AAA (entity AAA), AAA→BBB 2 Sep, CCC→AAA 3 Sep:
      broken chain (CCC was not the holder). U created 1 Sep (entity CCC), AAA→BBB 2 Sep:
      broken (last destination BBB, not CCC). T: anulado, AAA→BBB 10 Oct — never counted. Q
      closed 10 Nov sets datos_al.
    """
    empty_tables(engine)
    insert_entities(engine, ENTITIES)
    insert_cases(
        engine,
        [
            {"case_id": "X", "entity_id": "BBB", "created_at": utc("2026-10-01 10:00")},
            {"case_id": "Y", "entity_id": "BBB", "created_at": utc("2026-10-01 10:00")},
            {"case_id": "Z", "entity_id": "CCC", "created_at": utc("2026-10-01 10:00")},
            {
                "case_id": "W",
                "entity_id": "BBB",
                "created_at": utc("2026-10-03 09:00"),
                "closed_at": utc("2026-10-08 09:00"),
                "channel": "app",
            },
            {
                "case_id": "V",
                "entity_id": "AAA",
                "created_at": utc("2026-09-01 09:00"),
                "closed_at": utc("2026-09-05 09:00"),
            },
            {
                "case_id": "U",
                "entity_id": "CCC",
                "created_at": utc("2026-09-01 09:00"),
                "closed_at": utc("2026-09-05 09:00"),
            },
            {
                "case_id": "T",
                "entity_id": "BBB",
                "created_at": utc("2026-10-01 09:00"),
                "status": "anulado",
            },
            {
                "case_id": "Q",
                "entity_id": "AAA",
                "created_at": utc("2026-11-01 09:00"),
                "closed_at": utc("2026-11-10 09:00"),
            },
        ],
    )
    insert_transfers(
        engine,
        [
            ("X", "AAA", "BBB", utc("2026-10-28 11:00")),
            ("Y", "AAA", "BBB", utc("2026-10-20 11:00")),
            ("Z", "AAA", "CCC", utc("2026-11-02 11:00")),
            ("W", "BBB", "CCC", utc("2026-10-05 11:00")),
            ("W", "CCC", "BBB", utc("2026-10-06 23:30")),  # 04:30 UTC on the 7th: local 6th
            ("V", "AAA", "BBB", utc("2026-09-02 11:00")),
            ("V", "CCC", "AAA", utc("2026-09-03 11:00")),
            ("U", "AAA", "BBB", utc("2026-09-02 11:00")),
            ("T", "AAA", "BBB", utc("2026-10-10 11:00")),
        ],
    )
    return engine


def _figures(engine: Engine, month: str, mode: str = "calendario", **kw: object) -> dict:
    frame = transfers.entity_figures(
        engine, Settings(), period=period(month, mode), datos_al=DATOS_AL, **kw
    )
    return {row["entidad_id"]: row for row in frame.to_dicts()}


def test_october_by_hand(month_of_transfers: Engine) -> None:
    got = _figures(month_of_transfers, "2026-10")
    assert got["AAA"] == {
        "entidad_id": "AAA",
        "traslados_salida": 2,
        "traslados_entrada": 0,
        "casos_recibidos_traslado": 0,
        "mediana_dias_en_poder": 23.0,  # X held 27 days, Y 19
        "vencidos_recibidos_traslado": 0,
        "vencidos_heredados": 0,
    }
    assert got["BBB"]["traslados_salida"] == 1  # W
    assert got["BBB"]["traslados_entrada"] == 3  # X, Y, W back
    assert got["BBB"]["casos_recibidos_traslado"] == 3
    assert got["BBB"]["mediana_dias_en_poder"] == 2.0  # W: 3 → 5 Oct
    assert got["CCC"]["mediana_dias_en_poder"] == 1.0  # W: 5 → 6 Oct (local date)
    assert got["BBB"]["vencidos_recibidos_traslado"] == 0  # breaches are in November


def test_november_inherited_breach(month_of_transfers: Engine) -> None:
    got = _figures(month_of_transfers, "2026-11")
    assert got["BBB"]["vencidos_recibidos_traslado"] == 2  # X and Y
    assert got["BBB"]["vencidos_heredados"] == 1  # X: 3 days left < 5
    assert got["CCC"]["traslados_entrada"] == 1  # Z, received after its breach
    assert got["CCC"]["vencidos_recibidos_traslado"] == 0
    assert "AAA" in got and got["AAA"]["vencidos_heredados"] == 0
    # K = 3: X's 3 days left are no longer fewer than K.
    inherited = transfers.entity_figures(
        month_of_transfers,
        Settings(transfer_min_days_left=3),
        period=period("2026-11"),
        datos_al=DATOS_AL,
    )
    assert inherited["vencidos_heredados"].sum() == 0


def test_working_days_mode(month_of_transfers: Engine) -> None:
    # Working days (Panama, 3, 5 and 10 Nov are holidays): from Thu 1 Oct, 20 Oct is 13 working
    # days and 28 Oct 19; the working-day limit (30) is passed on 18 Nov, after datos_al.
    october = _figures(month_of_transfers, "2026-10", "habiles")
    assert october["AAA"]["mediana_dias_en_poder"] == 16.0  # (19 + 13) / 2
    assert october["BBB"]["mediana_dias_en_poder"] == 1.0  # W: Sat 3 → Mon 5 Oct
    november = _figures(month_of_transfers, "2026-11", "habiles")
    assert "BBB" not in november  # no transfer in November and no breach yet


def test_filters_apply_to_cases_and_to_the_rows_entity(month_of_transfers: Engine) -> None:
    by_channel = _figures(month_of_transfers, "2026-10", filters=CaseFilters(channels=("app",)))
    assert set(by_channel) == {"BBB", "CCC"}  # only W
    only_ccc = _figures(month_of_transfers, "2026-10", filters=CaseFilters(entity_ids=("CCC",)))
    assert set(only_ccc) == {"CCC"}
    flows = transfers.flows(
        month_of_transfers, period=period("2026-10"), filters=CaseFilters(entity_ids=("CCC",))
    )
    assert sorted(zip(flows["origen_id"], flows["destino_id"], strict=True)) == [
        ("BBB", "CCC"),
        ("CCC", "BBB"),
    ]


def test_matrix_and_lists(month_of_transfers: Engine) -> None:
    matrix = transfers.matrix(month_of_transfers, period=period("2026-10"), top_n=1)
    assert matrix.to_dicts() == [
        {"origen": "BBB", "destino": "Otras", "traslados": 1},
        {"origen": "Otras", "destino": "BBB", "traslados": 3},
    ]
    back = transfers.back_and_forth(month_of_transfers, period=period("2026-10"))
    assert back.select("case_id", "devuelto_por", "devuelto_a", "traslados").rows() == [
        ("W", "CCC", "BBB", 2)
    ]
    assert back["transferred_on"].to_list() == [date(2026, 10, 6)]
    broken = transfers.broken_chains(month_of_transfers)
    assert broken["case_id"].to_list() == ["U", "V"]
    assert transfers.list_total(broken) == 2
    assert broken.filter(broken["case_id"] == "U")["destino_final_distinto"].item() == 1
    assert broken.filter(broken["case_id"] == "V")["origenes_desconectados"].item() == 1
    limited = transfers.broken_chains(month_of_transfers, limit=1)
    assert limited.height == 1 and transfers.list_total(limited) == 2


def test_a_decreed_day_off_recomputes_the_transfers_working_days(
    month_of_transfers: Engine,
) -> None:
    # X: created Thu 1 Oct, transferred 28 Oct: 19 working days; Y (20 Oct): 13. A day off
    # decreed on Fri 2 Oct removes one from both: median (18 + 12) / 2 = 15.
    decree = Settings(extra_days_off=(date(2026, 10, 2),))
    try:
        prepare_database(month_of_transfers, decree)
        got = transfers.entity_figures(
            month_of_transfers, decree, period=period("2026-10", "habiles"), datos_al=DATOS_AL
        )
        assert got.filter(got["entidad_id"] == "AAA")["mediana_dias_en_poder"].item() == 15.0
    finally:
        prepare_database(month_of_transfers, Settings())
