"""`cac311 demo`: reproducible, internally consistent, and shaped so every dashboard page has work.

Database tests run on SQLite and PostgreSQL (fixture `engine`) with a few thousand cases; the
distribution tests use the pure `build_demo_frames` with more cases (no database needed).
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.errors import UserError
from cac311.ingest.demo import (
    NOT_EMPTY,
    DemoFrames,
    build_demo_frames,
    generate_demo,
    is_database_empty,
)
from cac311.ingest.demo_catalog import ENTITIES, PROVINCES
from cac311.ingest.localdates import add_local_columns, local_date_expr
from metrics.daycount import calendar_frame, day_num

TODAY = date(2026, 11, 28)
FIRST_DAY = date(2023, 11, 1)
SMALL_N = 3_000
TZ = "America/Panama"
CASE_TYPES = {"queja", "denuncia", "reclamo", "solicitud", "consulta", "sugerencia"}
CHANNELS = {"llamada", "web", "app", "correo", "redes_sociales", "presencial"}
ISO_PROVINCES = {f"PA-{n}" for n in range(1, 11)} | {"PA-EM", "PA-KY", "PA-NB", "PA-NT"}


def read(engine: Engine, sql: str) -> pl.DataFrame:
    """A table read back with real dates/datetimes on both databases (SQLite stores text)."""
    with engine.connect() as conn:
        frame = pl.read_database(sa.text(sql), conn, infer_schema_length=None)
    fixes = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String and name.endswith("_at"):
            fixes.append(pl.col(name).str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us"))
        elif dtype == pl.String and name.endswith("_on"):
            fixes.append(pl.col(name).str.to_date("%Y-%m-%d"))
    return frame.with_columns(fixes) if fixes else frame


def mean(values: pl.Series) -> float:
    """Mean of a numeric or boolean series (fails on an empty one)."""
    value = values.cast(pl.Float64).mean()
    assert isinstance(value, float)
    return value


def load(engine: Engine, cases: int = SMALL_N, seed: int = 7) -> None:
    generate_demo(engine, Settings(), cases=cases, seed=seed, today=TODAY)


@pytest.fixture(scope="module")
def big() -> DemoFrames:
    """Enough cases that per-entity shapes are visible; pure, no database."""
    return build_demo_frames(80_000, 311, TODAY, TZ, Settings())


def test_same_seed_gives_identical_rows_in_two_databases(
    tmp_path: Path, sqlite_template: Path
) -> None:
    tables = {
        "cases": "select * from cases order by case_id",
        "transfers": "select case_id, from_entity_id, to_entity_id, transferred_at"
        " from transfers order by case_id",
        "reviews": "select entity_id, item, reviewed_at from directory_reviews"
        " order by entity_id, item, reviewed_at",
        "releases": "select * from press_releases order by release_id",
    }
    contents = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        path = tmp_path / f"{name}.sqlite"
        shutil.copyfile(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        load(engine, seed=seed)
        contents.append({table: read(engine, sql) for table, sql in tables.items()})
        engine.dispose()
    first, second, other_seed = contents
    for table in tables:
        assert_frame_equal(first[table], second[table])
    assert first["cases"].height == SMALL_N
    assert not first["cases"]["created_at"].equals(other_seed["cases"]["created_at"])


def test_invariants_of_cases(engine: Engine) -> None:
    load(engine)
    cases = read(engine, "select * from cases")
    assert cases.height == SMALL_N
    assert cases["case_id"].n_unique() == SMALL_N
    assert cases["case_id"].str.contains(r"^311-\d{4}-\d{7}$").all()
    assert (cases["case_id"].str.slice(4, 4).cast(pl.Int32) == cases["created_on"].dt.year()).all()
    closed = cases.filter(pl.col("closed_at").is_not_null())
    assert (closed["closed_at"] >= closed["created_at"]).all()
    assert cases.filter(pl.col("status") == "abierto")["closed_at"].null_count() == len(
        cases.filter(pl.col("status") == "abierto")
    )
    assert cases.filter(pl.col("status") == "cerrado")["closed_at"].null_count() == 0
    assert 0.005 <= mean(cases["status"] == "anulado") <= 0.03
    assert set(cases["province"].unique()) <= ISO_PROVINCES
    assert cases["district"].null_count() == 0
    assert set(cases["case_type"].unique()) == CASE_TYPES
    assert set(cases["channel"].unique()) == CHANNELS
    assert cases["created_on"].min() == FIRST_DAY
    assert max(cases["created_on"].to_list() + cases["closed_on"].drop_nulls().to_list()) == TODAY
    assert 0.5 < mean(cases["sla_days"].is_not_null()) < 1


def test_derived_local_columns_equal_recomputation(engine: Engine) -> None:
    load(engine)
    derived = [
        f"{prefix}_{suffix}"
        for prefix in ("created", "closed")
        for suffix in ("on", "month", "day", "bday")
    ]
    stored = read(
        engine, "select case_id, created_at, closed_at, " + ", ".join(derived) + " from cases"
    )
    calendar = calendar_frame(Settings().extra_days_off)
    recomputed = add_local_columns(
        stored.select("case_id", "created_at", "closed_at"), "created", TZ, calendar
    )
    recomputed = add_local_columns(recomputed, "closed", TZ, calendar)
    ints = [pl.col(c).cast(pl.Int64) for c in derived if not c.endswith("_on")]
    assert_frame_equal(
        stored.select("case_id", *derived).with_columns(ints).sort("case_id"),
        recomputed.select("case_id", *derived).with_columns(ints).sort("case_id"),
    )


def test_every_row_belongs_to_known_entities_and_the_demo_batch(engine: Engine) -> None:
    load(engine)
    batches = read(
        engine, "select batch_id, kind, is_demo, rows_read, finished_at from import_batches"
    )
    assert batches.height == 1
    assert batches["kind"][0] == "demo"
    assert bool(batches["is_demo"][0]) is True
    assert batches["rows_read"][0] == SMALL_N
    assert batches["finished_at"][0] is not None
    batch_id = batches["batch_id"][0]
    entity_ids = set(read(engine, "select entity_id from entities")["entity_id"])
    assert entity_ids == {e.entity_id for e in ENTITIES}
    for table, column in (
        ("cases", "entity_id"),
        ("transfers", "from_entity_id"),
        ("transfers", "to_entity_id"),
        ("directory_reviews", "entity_id"),
        ("press_releases", "entity_id"),
    ):
        assert set(read(engine, f"select {column} from {table}")[column]) <= entity_ids
    for table in ("entities", "cases", "transfers", "directory_reviews", "press_releases"):
        batch_ids = read(engine, f"select distinct batch_id from {table}")["batch_id"].to_list()
        assert batch_ids == [batch_id], table


def test_transfers_reviews_and_releases_are_consistent(engine: Engine) -> None:
    load(engine)
    transfers = read(
        engine,
        "select t.from_entity_id, t.to_entity_id, t.transferred_at, c.entity_id,"
        " c.created_at, c.closed_at from transfers as t join cases as c on c.case_id = t.case_id",
    )
    assert 0.01 * SMALL_N < transfers.height < 0.06 * SMALL_N
    assert (transfers["from_entity_id"] != transfers["to_entity_id"]).all()
    assert (transfers["transferred_at"] >= transfers["created_at"]).all()
    closed = transfers.filter(pl.col("closed_at").is_not_null())
    assert (closed["transferred_at"] <= closed["closed_at"]).all()
    stored = read(
        engine,
        "select transferred_at, transferred_on, transferred_day, transferred_bday,"
        " transferred_month from transfers",
    )
    recomputed = add_local_columns(
        stored.select("transferred_at"), "transferred", TZ, calendar_frame(())
    )
    assert_frame_equal(
        stored.select(recomputed.columns).with_columns(
            pl.col("^transferred_(day|bday|month)$").cast(pl.Int32)
        ),
        recomputed,
    )

    reviews = read(
        engine, "select entity_id, item, reviewed_at, reviewed_on from directory_reviews"
    )
    assert (
        reviews.select(local_date_expr("reviewed_at", TZ))["reviewed_at"] == reviews["reviewed_on"]
    ).all()
    assert all(day <= TODAY for day in reviews["reviewed_on"])

    releases = read(engine, "select * from press_releases")
    local = releases.select(local_date_expr("received_at", TZ).alias("d"))["d"]
    assert (releases["received_month"] == local.dt.year() * 100 + local.dt.month()).all()
    assert releases["release_id"].n_unique() == releases.height


def test_transfer_chains_connect_bounce_and_some_breaches_are_inherited(big: DemoFrames) -> None:
    """Every chain connects (docs/metrics.md §15); some cases bounce (A→B→A); some are received
    with fewer than K days left and then breach at the receiver (vencidos heredados)."""
    settings = Settings()
    limit, k = settings.legal_limit_days, settings.transfer_min_days_left
    chains = (
        big.transfers.sort("case_id", "transferred_at")
        .group_by("case_id", maintain_order=True)
        .agg("from_entity_id", "to_entity_id", "transferred_day", "transferred_bday")
        .join(big.cases, on="case_id")
    )
    for row in chains.iter_rows(named=True):
        froms, tos = row["from_entity_id"], row["to_entity_id"]
        assert froms[1:] == tos[:-1], row["case_id"]
        assert tos[-1] == row["entity_id"], row["case_id"]
    assert (chains["from_entity_id"].list.len() == 2).sum() > 10  # bounces
    last = chains.select(
        "created_day",
        "closed_day",
        "created_bday",
        "closed_bday",
        pl.col("transferred_day").list.last().alias("t_day"),
        pl.col("transferred_bday").list.last().alias("t_bday"),
    )
    datos_al = day_num(TODAY)
    inherited_calendar = last.filter(
        (limit - (pl.col("t_day") - pl.col("created_day"))).is_between(0, k - 1)
        & (pl.col("closed_day").fill_null(datos_al) - pl.col("created_day") > limit)
    )
    inherited_working = last.filter(
        (limit - (pl.col("t_bday") - pl.col("created_bday"))).is_between(0, k - 1)
        & (
            pl.col("closed_bday").is_null()
            | (pl.col("closed_bday") - pl.col("created_bday") > limit)
        )
    )
    assert inherited_calendar.height > 20
    assert inherited_working.height > 10


def freshness_by_entity(reviews: pl.DataFrame, as_of: date) -> dict[str, str]:
    """Worst item status per entity (SPEC §3 'Directory freshness'), slow and obvious."""
    order = ["al_dia", "por_vencer", "vencido", "sin_registro"]
    last = {(r["entity_id"], r["item"]): r["reviewed_on"] for r in reviews.iter_rows(named=True)}
    result = {}
    for entity in ENTITIES:
        states = []
        for item in ("directorio", "sla", "base_conocimiento"):
            reviewed = last.get((entity.entity_id, item))
            if reviewed is None:
                states.append("sin_registro")
            else:
                age = (as_of - reviewed).days
                states.append("al_dia" if age <= 90 else "por_vencer" if age <= 180 else "vencido")
        result[entity.entity_id] = max(states, key=order.index)
    return result


def test_the_demo_gives_every_page_something_to_show(engine: Engine) -> None:
    load(engine)
    cases = read(engine, "select entity_id, status, created_at, closed_at, created_day from cases")
    open_cases = cases.filter(pl.col("status") == "abierto").with_columns(
        (day_num(TODAY) - pl.col("created_day")).alias("age")
    )
    assert open_cases.filter(pl.col("age") > 30)["entity_id"].n_unique() >= 1  # vencidos
    assert (cases["closed_at"] == cases["created_at"]).sum() >= 1  # data-quality page

    reviews = read(
        engine, "select entity_id, item, reviewed_on from directory_reviews order by reviewed_on"
    )
    states = set(freshness_by_entity(reviews, TODAY).values())
    assert states == {"al_dia", "por_vencer", "vencido", "sin_registro"}

    releases = read(engine, "select received_at, published_at from press_releases")
    late = (releases["received_at"] > releases["published_at"]).sum()
    assert 0 < late < releases.height / 2


def test_entity_behaviour_and_seasonality(big: DemoFrames) -> None:
    cases = big.cases.filter(pl.col("status") != "anulado")
    per_month = (
        cases.group_by("entity_id", "created_month")
        .len()
        .group_by("entity_id")
        .agg(pl.col("len").max().alias("max_month"))
    )
    assert per_month.filter(pl.col("max_month") < 20).height >= 3  # small entities
    assert per_month.filter(pl.col("max_month") > 100).height >= 3
    closed = (
        cases.filter(pl.col("status") == "cerrado")
        .group_by("entity_id")
        .agg(((pl.col("closed_day") - pl.col("created_day")) > 30).mean().alias("late_share"))
    )
    assert closed.filter(pl.col("late_share") > 0.4).height >= 2  # chronic breachers
    assert mean(closed["late_share"] < 0.1) >= 0.6  # most mostly on time

    open_age = cases.filter(pl.col("status") == "abierto").select(
        (day_num(TODAY) - pl.col("created_day")).alias("age")
    )["age"]
    assert open_age.is_between(25, 30).sum() >= 20  # por vencer: the enlace's first list
    assert (open_age > 30).sum() >= 100  # overdue backlog

    calendar = calendar_frame().select(pl.col("dia").alias("created_on"), "feriado")
    daily = cases.group_by("created_on").len().join(calendar, on="created_on")
    weekday = pl.col("created_on").dt.weekday()
    workday_mean = mean(daily.filter((weekday <= 5) & ~pl.col("feriado"))["len"])
    assert mean(daily.filter(weekday >= 6)["len"]) < 0.7 * workday_mean
    assert mean(daily.filter((weekday <= 5) & pl.col("feriado"))["len"]) < 0.7 * workday_mean
    local_hour = cases.select(
        pl.col("created_at").dt.replace_time_zone("UTC").dt.convert_time_zone(TZ).dt.hour()
    )["created_at"]
    assert 0 < mean(local_hour < 5) < 0.1
    provinces = cases["province"].value_counts().sort("count", descending=True)["province"]
    assert provinces.to_list()[:2] == ["PA-8", "PA-10"]
    assert set(provinces) == {p.code for p in PROVINCES}


def test_frames_are_reproducible_and_reviews_do_not_depend_on_case_count() -> None:
    one = build_demo_frames(2_000, 5, TODAY, TZ, Settings())
    two = build_demo_frames(2_000, 5, TODAY, TZ, Settings())
    more = build_demo_frames(4_000, 5, TODAY, TZ, Settings())
    assert_frame_equal(one.cases, two.cases)
    assert_frame_equal(one.reviews, more.reviews)
    assert_frame_equal(one.releases, more.releases)
    later = build_demo_frames(2_000, 5, TODAY + timedelta(days=40), TZ, Settings())
    assert later.cases["created_on"].max() == TODAY + timedelta(days=40)


def test_refuses_a_database_that_has_data(engine: Engine) -> None:
    assert is_database_empty(engine)
    load(engine, cases=500)
    assert not is_database_empty(engine)
    with pytest.raises(UserError, match=re.escape(NOT_EMPTY)):
        load(engine, cases=500)
    assert read(engine, "select count(*) as n from cases")["n"][0] == 500
    assert read(engine, "select count(*) as n from import_batches")["n"][0] == 1


def test_refuses_a_database_with_only_entities(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text("insert into entities (entity_id, name, sector) values ('X', 'X', 'otro')")
        )
    assert not is_database_empty(engine)
    with pytest.raises(UserError, match="ya tiene datos"):
        load(engine, cases=500)
    assert read(engine, "select count(*) as n from cases")["n"][0] == 0
    assert read(engine, "select count(*) as n from import_batches")["n"][0] == 0


def test_summary_and_progress(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    summary = generate_demo(engine, Settings(), cases=800, seed=3, today=TODAY)
    text = str(summary)
    assert text.startswith("Datos de demostración: 65 entidades, 800 casos")
    assert "datos al 28/11/2026" in text
    assert summary.cases == 800
    assert summary.datos_al == TODAY
    assert capsys.readouterr().err == ""  # silent unless progress=True


def test_progress_goes_to_stderr(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    generate_demo(engine, Settings(), cases=300, seed=3, progress=True, today=TODAY)
    captured = capsys.readouterr()
    assert "300/300" in captured.err
    assert captured.out == ""


def test_rejects_a_non_positive_case_count(engine: Engine) -> None:
    with pytest.raises(UserError, match="al menos 1"):
        generate_demo(engine, Settings(), cases=0, today=TODAY)
    assert is_database_empty(engine)
