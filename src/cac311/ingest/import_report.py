"""What an import did (or, for a preview, would do): the counts, quarantine reasons, warnings
and samples the CLI and the upload page show, and the `import_batches` row that records them in
the same transaction as the rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.ingest.descriptive import WARNINGS_SCHEMA
from cac311.ingest.pipeline import CheckedBatch
from cac311.ingest.reasons import reason_text, warning_text

SAMPLE_ROWS = 200


@dataclass
class ImportReport:
    """What an import did (or, for a preview, would do)."""

    kind: str
    source_name: str
    batch_id: int | None = None
    preview: bool = False
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    rejected_sample: list[dict[str, Any]] = field(default_factory=list)
    warned: int = 0
    # (code, field) -> values of accepted rows stored differently from how the file wrote them.
    warnings: Counter[tuple[str, str]] = field(default_factory=Counter)
    warning_sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def reason_summary(self) -> str:
        """`texto [código]: n; ...`, most frequent first."""
        return "; ".join(
            f"{reason_text(code)} [{code}]: {count}" for code, count in self.reasons.most_common()
        )

    def warning_summary(self) -> str:
        """`texto (campo) [código]: n; ...`, most frequent first (then by code and field)."""
        ordered = sorted(self.warnings.items(), key=lambda item: (-item[1], item[0]))
        return "; ".join(
            f"{warning_text(code)} ({column}) [{code}]: {count}"
            for (code, column), count in ordered
        )

    def lines(self) -> list[str]:
        """One Spanish line each for insertados, actualizados, sin cambios, en cuarentena and
        avisos (warnings never change the other counts: a warned row is imported)."""
        quarantine = f"En cuarentena: {self.quarantined}"
        if self.quarantined:
            quarantine += f" ({self.reason_summary()})"
        warned = f"Avisos: {self.warned}"
        if self.warned:
            warned += f" ({self.warning_summary()})"
        return [
            f"Insertados: {self.inserted}",
            f"Actualizados: {self.updated}",
            f"Sin cambios: {self.unchanged}",
            quarantine,
            warned,
        ]

    def first_warnings(self, n: int = 20) -> pl.DataFrame:
        """The first `n` warnings (by file order of the batches, then field): the columns of
        `descriptive.WARNINGS_SCHEMA` (shape them with `cac311.ui.views.quality`)."""
        return pl.DataFrame(self.warning_sample[:n], schema=WARNINGS_SCHEMA)

    def first_rejected(self, n: int = 20) -> pl.DataFrame:
        """The first `n` quarantined rows: linea, motivo, codigo, detalle, fila (JSON)."""
        schema = {
            "linea": pl.Int64,
            "motivo": pl.String,
            "codigo": pl.String,
            "detalle": pl.String,
            "fila": pl.String,
        }
        rows = [
            {
                "linea": r["line_number"],
                "motivo": reason_text(r["reason"]),
                "codigo": r["reason"],
                "detalle": r["detail"],
                "fila": r["raw_row"],
            }
            for r in self.rejected_sample[:n]
        ]
        return pl.DataFrame(rows, schema=schema)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start_batch(conn: Connection, report: ImportReport, sha256: str, by: str | None) -> int:
    row = conn.execute(
        sa.text(
            "insert into import_batches (kind, source_name, source_sha256, started_at, imported_by)"
            " values (:kind, :source_name, :sha, :started_at, :by) returning batch_id"
        ),
        {
            "kind": report.kind,
            "source_name": report.source_name[:500],
            "sha": sha256,
            "started_at": _now(),
            "by": by,
        },
    ).one()
    return int(row[0])


def finish_batch(conn: Connection, report: ImportReport) -> None:
    conn.execute(
        sa.text(
            "update import_batches set finished_at = :finished_at, rows_read = :rows_read, "
            "inserted = :inserted, updated = :updated, unchanged = :unchanged, "
            "quarantined = :quarantined, warnings = :warnings where batch_id = :batch_id"
        ),
        {
            "finished_at": _now(),
            "rows_read": report.rows_read,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "quarantined": report.quarantined,
            "warnings": report.warned,
            "batch_id": report.batch_id,
        },
    )


def tally(report: ImportReport, checked: CheckedBatch) -> None:
    """Count one validated batch into the report: rows, quarantine reasons, warnings, samples."""
    report.rows_read += checked.marked.height
    report.quarantined += checked.rejected.height
    report.reasons.update(checked.rejected.get_column("reason").to_list())
    room = SAMPLE_ROWS - len(report.rejected_sample)
    if room > 0:
        report.rejected_sample.extend(checked.rejected.head(room).to_dicts())
    if checked.warnings.height == 0:
        return
    report.warned += checked.warnings.height
    report.warnings.update(
        checked.warnings.select("code", "field").iter_rows()  # type: ignore[arg-type]
    )
    room = SAMPLE_ROWS - len(report.warning_sample)
    if room > 0:
        report.warning_sample.extend(checked.warnings.head(room).to_dicts())
