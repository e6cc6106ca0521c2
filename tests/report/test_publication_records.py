"""Publication dates on SQLite and PostgreSQL: recorded by the first final export only, marked
by an admin with a reason, and shown by `cac311 publication status`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cac311.cli import main
from cac311.config import Settings
from cac311.errors import UserError
from cac311.publishing import records
from cac311.publishing.calendar_view import calendar_view
from cac311.publishing.records import (
    local_today,
    mark_publication,
    publication_of,
    record_first_publication,
)
from metrics.period import Month
from tests.conftest import url_of
from tests.export.publication_data import MONTH, load_dataset

OCTOBER = Month.parse(MONTH)


@pytest.fixture
def dataset(engine: Engine) -> Engine:
    return load_dataset(engine)


def test_only_the_first_record_counts(engine: Engine) -> None:
    assert record_first_publication(engine, OCTOBER, date(2026, 11, 12), "cli")
    assert not record_first_publication(engine, OCTOBER, date(2026, 11, 20), "pagina", "a@b.pa")
    record = publication_of(engine, OCTOBER)
    assert record is not None
    assert (record.published_on, record.source, record.recorded_by) == (
        date(2026, 11, 12),
        "cli",
        None,
    )


def test_cli_export_records_the_final_bundle_once(
    dataset: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(records, "local_today", lambda _tz, now=None: date(2026, 11, 12))
    base = ["export", "publication", "--out", str(tmp_path), "--database-url", url_of(dataset)]
    assert main([*base, "--month", "2026-11", "--allow-partial"]) == 0
    assert publication_of(dataset, Month.parse("2026-11")) is None, (
        "a partial bundle is not the publication"
    )
    assert main([*base, "--month", MONTH]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Publicación de 2026-10 registrada el 12/11/2026 (a tiempo: fecha límite 13/11/2026)."
    )
    monkeypatch.setattr(records, "local_today", lambda _tz, now=None: date(2026, 11, 30))
    assert main([*base, "--month", MONTH]) == 0
    assert "registrada" not in capsys.readouterr().out
    record = publication_of(dataset, OCTOBER)
    assert record is not None and record.published_on == date(2026, 11, 12)


@pytest.mark.parametrize(
    ("published_on", "reason", "message"),
    [
        (date(2026, 11, 20), "  ", "Indique el motivo de la marca de publicación"),
        (date(2026, 10, 31), "tarde", "no puede ser del 31/10/2026: el mes termina el 31/10/2026"),
        (date(2026, 12, 2), "tarde", "La fecha 02/12/2026 es futura"),
    ],
)
def test_mark_refuses_bad_input(
    engine: Engine, published_on: date, reason: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        mark_publication(
            engine,
            OCTOBER,
            published_on,
            reason,
            "admin@aig.pa",
            today=date(2026, 12, 1),
        )
    assert publication_of(engine, OCTOBER) is None


def test_mark_replaces_a_record_and_returns_it(engine: Engine) -> None:
    record_first_publication(engine, OCTOBER, date(2026, 11, 25), "pagina", "d@aig.pa")
    previous = mark_publication(
        engine,
        OCTOBER,
        date(2026, 11, 12),
        "Publicado en el portal\nel 12/11; el tablero se usó después.",
        "admin@aig.pa",
        today=date(2026, 12, 1),
    )
    assert previous is not None and previous.published_on == date(2026, 11, 25)
    record = publication_of(engine, OCTOBER)
    assert record is not None
    assert (record.source, record.recorded_by, record.reason) == (
        "manual",
        "admin@aig.pa",
        "Publicado en el portal el 12/11; el tablero se usó después.",
    )


def test_calendar_view_and_cli_status(
    dataset: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record_first_publication(dataset, Month.parse("2026-09"), date(2026, 10, 13), "cli")
    view = calendar_view(
        dataset, Settings(), date(2026, 11, 20), first_month=Month.parse("2026-06")
    )
    assert view.frame["periodo"].to_list() == [
        "2026-10",
        "2026-09",
        "2026-08",
        "2026-07",
        "2026-06",
    ]
    assert view.frame["estado_texto"].to_list() == [
        "vencida",
        "tarde 2 días hábiles",
        "vencida",
        "vencida",
        "vencida",
    ]
    assert view.pct_a_tiempo == 0.0
    monkeypatch.setattr(records, "local_today", lambda _tz, now=None: date(2026, 11, 20))
    assert main(["publication", "status", "--database-url", url_of(dataset)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-10  límite 13/11/2026  publicado          —  vencida"
    assert lines[1] == "2026-09  límite 09/10/2026  publicado 13/10/2026  tarde 2 días hábiles"
    assert lines[-1] == "A tiempo: 0.0 % de los meses ya vencidos o publicados."


def test_cli_mark(dataset: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["publication", "mark", "--month", MONTH, "--date", "2026-11-12"]
    assert main([*argv, "--reason", "Portal", "--database-url", url_of(dataset)]) == 0
    assert capsys.readouterr().out == "Publicación de 2026-10 marcada el 12/11/2026.\n"
    assert main([*argv[:-1], "2026-13-01", "--reason", "x", "--database-url", url_of(dataset)]) == 2
    assert capsys.readouterr().err == "Error: Fecha inválida: '2026-13-01' (use AAAA-MM-DD).\n"


def test_local_today_is_panama_time() -> None:
    # 03:00 UTC on 01/12 is still 30/11 in Panama (UTC−5).
    assert local_today("America/Panama", datetime(2026, 12, 1, 3, 0, tzinfo=UTC)) == date(
        2026, 11, 30
    )
