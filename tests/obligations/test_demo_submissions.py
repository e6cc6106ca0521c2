"""The demo data holds the enlaces' submissions in every state, reproducibly, on both
databases — and adding them left the rest of the demo unchanged."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.ingest import demo_obligations
from cac311.ingest.demo import build_demo_frames, generate_demo
from cac311.obligations import figures

TODAY = date(2026, 11, 15)


def states(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select 'review' as kind, status, replaces_id is not null as corrige"
                " from obligation_reviews"
                " union all"
                " select 'release', status, replaces_id is not null from obligation_releases"
            )
        ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows], schema=["kind", "status", "corrige"], orient="row"
    ).with_columns(pl.col("corrige").cast(pl.Boolean))


def test_demo_has_submissions_in_every_state(engine: Engine) -> None:
    summary = generate_demo(engine, Settings(), cases=500, seed=311, today=TODAY)
    assert summary.submissions == len(demo_obligations.SCENARIOS)
    assert f"(más {summary.submissions} envíos de enlaces en el tablero)" in str(summary)
    found = states(engine)
    for kind in ("review", "release"):
        of_kind = found.filter(pl.col("kind") == kind)
        assert set(of_kind["status"]) == {"pendiente", "validado", "devuelto"}, kind
        assert of_kind.filter(pl.col("corrige")).height >= 1, f"{kind}: a resubmission"
    clock = figures.LocalClock(TODAY, "America/Panama")
    items = figures.review_items(engine, as_of=TODAY, clock=clock)
    assert items["revisiones_pendientes"].sum() == 3
    assert items["revisiones_devueltas"].sum() == 1  # r5; r6 and r8 were corrected
    assert set(items.filter(pl.col("origen") == "tablero")["entidad_id"]) >= {"MINSA"}
    views = figures.submissions(engine, sorted(set(items["entidad_id"])), clock)
    assert (views["recibido"].dt.date() <= TODAY).all()


def test_demo_submissions_are_reproducible_and_leave_the_rest_alone() -> None:
    settings = Settings()
    one = build_demo_frames(300, 311, TODAY, "America/Panama", settings)
    two = build_demo_frames(300, 311, TODAY, "America/Panama", settings)
    assert one.submissions == two.submissions
    rows = demo_obligations.build_rows(
        np.random.default_rng(5), TODAY, "America/Panama", ["MINSA", "MEF", "MOP", "CSS", "ATP"]
    )
    assert {r["entity_id"] for r in rows} == {"MINSA", "MEF", "MOP", "CSS", "ATP"}
    # The submissions use a fifth child of the seed: the other tables did not change.
    rng = [np.random.default_rng(c) for c in np.random.SeedSequence(311).spawn(4)]
    assert rng[0].integers(0, 10**9) == np.random.default_rng(
        np.random.SeedSequence(311).spawn(5)[0]
    ).integers(0, 10**9)
