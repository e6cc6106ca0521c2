"""The read-replica set-up of docs/scaling.md, proven on a real streaming standby.

A throwaway PostgreSQL 15 primary (initdb in a temporary folder, a free loopback port,
`wal_level=replica`) and a hot standby made from it with `pg_basebackup -R`, both run as the
`postgres` user (`runuser`) and stopped at the end; the shared server is never touched. The
dashboard's read connection (`DATABASE_URL`) points at the standby and its sign-in/audit
connection (`CAC311_AUTH_DATABASE_URL`) at the primary. Data is imported on the primary with
the CLI; once the standby has replayed the import's commit, the pages (AppTest, signed in with a
local account) show the figures the analytics compute on the primary, the sign-in is in the
primary's audit log, and nothing could be written through the read connection.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.analytics import monthly
from cac311.analytics.dates import data_dates
from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.cli import main as cli_main
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.ui.format import fmt_metric, metric_label
from metrics.period import DayMode, Month, Period
from tests.app.conftest import APP_TIMEOUT, PROJECT, sign_in, texts
from tests.auth.helpers import PASSWORD

pytestmark = pytest.mark.replica

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ADMIN = "admin@aig.gob.pa"
REPLAY_TIMEOUT_S = 60
ENTITIES_CSV = "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\nMOP,Obras,ministerio\n"


def _cases_csv() -> str:
    """September–November 2026 (late closures into December): 40 cases a month per entity in
    September and October, six in November, a few still open."""
    lines = ["case_id,entity_id,case_type,created_at,closed_at,channel,province"]
    for month, days in ((9, 30), (10, 31), (11, 5)):
        for n in range(40 if month < 11 else 6):
            for entity in ("MINSA", "MOP"):
                day = 1 + n % days
                created = f"2026-{month:02d}-{day:02d} 09:00:00"
                late = entity == "MOP" and n % 4 == 0
                closed = "" if n % 10 == 9 else f"2026-{month:02d}-{day:02d} 15:00:00"
                if late and closed:
                    closed = (
                        f"2026-{month + 1 if month < 12 else 12:02d}-{min(day, 28):02d} 10:00:00"
                    )
                lines.append(f"{entity}-{month}-{n},{entity},queja,{created},{closed},web,PA-8")
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str | Path) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, command)],
        check=True,
        capture_output=True,
        timeout=120,
    )


@dataclass(frozen=True)
class Cluster:
    """A running PostgreSQL server of this test: its data folder and port."""

    data: Path
    port: int

    def url(self, database: str = "tablero") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, sockets: Path) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets}"
        )
        _as_postgres(
            PG_BIN / "pg_ctl",
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            self.data / "log",
            "-w",
            "start",
        )

    def stop(self) -> None:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture(scope="module")
def replica_pair() -> Iterator[tuple[Cluster, Cluster]]:
    """(primary, standby): a throwaway primary with the migrated database `tablero`, and a hot
    standby streaming from it (`pg_basebackup -R`)."""
    if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
        pytest.fail(f"PostgreSQL 15 binaries ({PG_BIN}) and runuser are needed for this test")
    root = Path(tempfile.mkdtemp(prefix="cac311_replica_"))
    shutil.chown(root, "postgres", "postgres")
    primary = Cluster(root / "primary", _free_port())
    standby = Cluster(root / "standby", _free_port())
    started: list[Cluster] = []
    try:
        _as_postgres(
            PG_BIN / "initdb",
            "-D",
            primary.data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        )
        with (primary.data / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        primary.start(root)
        started.append(primary)
        admin = make_engine(primary.url("postgres"))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("create database tablero"))
        admin.dispose()
        assert cli_main(["db", "upgrade", "--database-url", primary.url()]) == 0
        _as_postgres(
            PG_BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            standby.data,
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        )
        standby.start(root)
        started.append(standby)
        yield primary, standby
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_replay(primary: Engine, standby: Engine) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with primary.connect() as conn:
        target = conn.execute(sa.text("select pg_current_wal_lsn()::text")).scalar_one()
    deadline = time.monotonic() + REPLAY_TIMEOUT_S
    while time.monotonic() < deadline:
        with standby.connect() as conn:
            behind = conn.execute(
                sa.text("select pg_wal_lsn_diff(cast(:t as pg_lsn), pg_last_wal_replay_lsn())"),
                {"t": target},
            ).scalar_one()
        if behind is not None and behind <= 0:
            return
        time.sleep(0.2)
    pytest.fail(f"the standby did not replay {target} within {REPLAY_TIMEOUT_S} s")


def test_pages_read_the_standby_and_sign_in_writes_the_primary(
    replica_pair: tuple[Cluster, Cluster],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    primary, standby = replica_pair
    entities, cases = tmp_path / "entidades.csv", tmp_path / "casos.csv"
    entities.write_text(ENTITIES_CSV, encoding="utf-8")
    cases.write_text(_cases_csv(), encoding="utf-8")
    for kind, path in (("entities", entities), ("cases", cases)):
        assert cli_main(["import", kind, str(path), "--database-url", primary.url()]) == 0
    writer = make_engine(primary.url())
    reader = make_engine(standby.url(), read_only=True)
    try:
        users.add_user(writer, ADMIN, "admin", None, PASSWORD)
        _wait_for_replay(writer, reader)
        with reader.connect() as conn:
            assert conn.execute(sa.text("select pg_is_in_recovery()")).scalar_one() is True
            assert conn.execute(sa.text("select count(*) from cases")).scalar_one() == 172

        # What the pages must show: the analytics on the primary, after the import.
        settings = Settings()
        dates = data_dates(writer)
        period = Period(Month.parse("2026-10"), DayMode.CALENDARIO)
        _, deltas = monthly.trend_and_deltas(writer, settings, period=period, dates=dates)
        expected = {
            metric_label(row["kpi"]): fmt_metric(row["kpi"], row["valor"])
            for row in deltas.iter_rows(named=True)
        }

        monkeypatch.chdir(PROJECT)
        monkeypatch.setenv("DATABASE_URL", standby.url())
        monkeypatch.setenv("CAC311_AUTH_DATABASE_URL", primary.url())
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=APP_TIMEOUT)
        at.query_params["mes"] = str(period.month)
        at.run()
        at = sign_in(at, ADMIN, PASSWORD)
        assert not at.exception, texts(at.exception)
        assert not at.error, texts(at.error)
        shown = {m.label: m.value for m in at.metric}
        assert shown == expected
        assert expected[metric_label("recibidos")] == fmt_metric("recibidos", 80)

        at.switch_page("pages/5_Publicacion.py").run()
        assert not at.exception, texts(at.exception)
        table = at.dataframe[0].value
        assert list(table["entidad_id"]) == ["MINSA", "MOP", "TOTAL"]
        assert list(table["recibidos"]) == [40, 40, 80]

        # The sign-in went to the primary's audit log (and reached the standby by replication).
        _wait_for_replay(writer, reader)
        for engine in (writer, reader):
            log = audit_entries(engine)
            assert (ADMIN, "sign_in") in set(zip(log["email"], log["action"], strict=True))
        # The read connection cannot write, whatever it tries.
        with pytest.raises(sa.exc.DBAPIError, match="read-only"), reader.begin() as conn:
            conn.execute(sa.text("delete from audit_log"))
    finally:
        writer.dispose()
        reader.dispose()
