"""Part of the scale benchmark (bench/run.py): `cac311 export publication` for one month against
the NAIVE analyst approach (pandas `read_sql` of every case, then groupby) and ONE hand-written
SQL query; both are checked to give the same figures as the export.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from timing import timed

from cac311.analytics import monthly
from cac311.analytics.dates import data_dates
from cac311.cli import main as cli_main
from cac311.config import Settings
from cac311.db.engine import make_engine
from metrics.daycount import day_num
from metrics.period import Month, Period

TZ = "America/Panama"
LIMIT = 30
log = logging.getLogger("bench.export")

COMPARED = (
    "recibidos",
    "cerrados",
    "cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "mediana_dias",
    "p90_dias",
)


def _export(url: str, month: str) -> float:
    with tempfile.TemporaryDirectory(prefix="bench_export_") as out:
        seconds, code = timed(
            lambda: cli_main(
                ["--database-url", url, "export", "publication", "--month", month, "--out", out]
            )
        )
        if code != 0:
            raise RuntimeError(f"export publication terminó con código {code}")
    return seconds


def _local_dates(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_localize("UTC").dt.tz_convert(TZ).dt.tz_localize(None).dt.normalize()


def naive_table(url: str, month: str) -> pd.DataFrame:
    """What an analyst writes: every case into pandas, then filters and groupby (calendario)."""
    engine = sa.create_engine(url)
    cases = pd.read_sql("select * from cases", engine)
    engine.dispose()
    start = pd.Timestamp(f"{month}-01")
    end = start + pd.offsets.MonthEnd(0)
    cases = cases[cases["status"] != "anulado"].copy()
    cases["created"] = _local_dates(cases["created_at"])
    cases["closed"] = _local_dates(cases["closed_at"])
    cases["dias"] = (cases["closed"] - cases["created"]).dt.days
    received = cases[(cases["created"] >= start) & (cases["created"] <= end)]
    closed = cases[(cases["closed"] >= start) & (cases["closed"] <= end)]
    open_end = cases[
        (cases["created"] <= end) & (cases["closed"].isna() | (cases["closed"] > end))
    ].copy()
    open_end["edad"] = (end - open_end["created"]).dt.days

    def figures(key: str | None) -> pd.DataFrame:
        def group(frame: pd.DataFrame) -> Any:
            return frame.groupby(key) if key else frame.groupby(lambda _i: "TOTAL")

        return pd.DataFrame(
            {
                "recibidos": group(received).size(),
                "cerrados": group(closed).size(),
                "cerrados_en_plazo": group(closed)["dias"].apply(lambda d: int((d <= LIMIT).sum())),
                "abiertos_fin_mes": group(open_end).size(),
                "vencidos_fin_mes": group(open_end)["edad"].apply(lambda a: int((a > LIMIT).sum())),
                "mediana_dias": group(closed)["dias"].median(),
                "p90_dias": group(closed)["dias"].quantile(0.9),
            }
        )

    table = pd.concat([figures("entity_id"), figures(None)])
    return table.fillna({c: 0 for c in COMPARED[:5]})


HAND_SQL = """
select
    coalesce(c.entity_id, 'TOTAL') as entidad_id,
    count(*) filter (where c.created_on between :s and :e) as recibidos,
    count(*) filter (where c.closed_on between :s and :e) as cerrados,
    count(*) filter (
        where c.closed_on between :s and :e and c.closed_day - c.created_day <= :l
    ) as cerrados_en_plazo,
    count(*) filter (
        where c.created_on <= :e and (c.closed_on is null or c.closed_on > :e)
    ) as abiertos_fin_mes,
    count(*) filter (
        where c.created_on <= :e and (c.closed_on is null or c.closed_on > :e)
            and :e_day - c.created_day > :l
    ) as vencidos_fin_mes,
    percentile_cont(0.5) within group (order by c.closed_day - c.created_day)
        filter (where c.closed_on between :s and :e) as mediana_dias,
    percentile_cont(0.9) within group (order by c.closed_day - c.created_day)
        filter (where c.closed_on between :s and :e) as p90_dias,
    count(*) filter (
        where c.created_on between :s and :e and c.closed_day - c.created_day <= :l
    ) as cohorte_en_plazo
from cases as c
where c.status <> 'anulado'
    and c.created_on <= :e
    and (c.closed_on is null or c.closed_on >= :s)
group by rollup (c.entity_id)
"""


def hand_sql_table(url: str, month: str) -> pd.DataFrame:
    start = date.fromisoformat(f"{month}-01")
    end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(HAND_SQL), {"s": start, "e": end, "e_day": day_num(end), "l": LIMIT}
        ).mappings()
        frame = pd.DataFrame([dict(r) for r in rows])
    engine.dispose()
    return frame.set_index("entidad_id")


def _same_figures(reference: pd.DataFrame, other: pd.DataFrame) -> bool:
    ref = reference.set_index("entidad_id")
    ids = [i for i in other.index if i in ref.index]
    if not ids or len(ids) != len(other.index):
        return False
    for column in COMPARED:
        a = ref.loc[ids, column].astype(float).to_numpy()
        b = other.loc[ids, column].astype(float).to_numpy()
        b = np.round(b + np.sign(b) * 1e-9, 1) if column in ("mediana_dias", "p90_dias") else b
        if not np.allclose(np.nan_to_num(a, nan=-1), np.nan_to_num(b, nan=-1), atol=0.051):
            log.warning("column %s differs", column)
            return False
    return True


def export_comparison(url: str, month: str, naive: bool) -> dict[str, Any]:
    engine = make_engine(url, read_only=True)
    reference = monthly.monthly_table(
        engine, Settings(), period=Period(Month.parse(month)), dates=data_dates(engine)
    ).to_pandas()
    engine.dispose()
    export_runs = [_export(url, month) for _ in range(3)]
    naive_s, naive_frame = timed(lambda: naive_table(url, month)) if naive else (None, None)
    hand_runs = []
    for _ in range(3):
        seconds, hand = timed(lambda: hand_sql_table(url, month))
        hand_runs.append(seconds)
    export_s = statistics.median(export_runs)
    hand_s = statistics.median(hand_runs)
    return {
        "month": month,
        "export_s": round(export_s, 3),
        "export_runs_s": [round(x, 3) for x in export_runs],
        "naive_pandas_s": None if naive_s is None else round(naive_s, 3),
        "hand_sql_s": round(hand_s, 3),
        "hand_sql_runs_s": [round(x, 3) for x in hand_runs],
        "naive_over_export": None if naive_s is None else round(naive_s / export_s, 1),
        "export_over_hand_sql": round(export_s / hand_s, 2),
        "naive_matches_export": None
        if naive_frame is None
        else _same_figures(reference, naive_frame),
        "hand_sql_matches_export": _same_figures(reference, hand),
    }
