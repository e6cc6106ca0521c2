"""Fast path for plain CSV files: Arrow's multi-threaded streaming CSV reader.

Used only when the byte scan proved that every record is exactly one physical line (no blank
lines, an even number of `"` on every line), so a record's line number is its position + 2.
Any row Arrow rejects (wrong number of fields, ...) makes it give up with `NeedsExactReader`;
the import then restarts with the exact line-by-line reader, which quarantines such rows.

Memory: Arrow's streaming reader reads up to 32 blocks ahead of the consumer, so the block is
kept small (2 MB: at most ~64 MB read ahead, whatever the file's size) and the parsed blocks are
gathered into frames of `batch_rows` rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

BLOCK_BYTES = 2 * 1024 * 1024


class NeedsExactReader(Exception):  # noqa: N818 - a signal, not an error shown to users
    """The fast reader met something only the exact reader handles."""


def source_column(index: int) -> str:
    return f"__src{index}"


def _raw_frame(blocks: list[pa.RecordBatch], used: list[int], first_line: int) -> pl.DataFrame:
    frame = pl.from_arrow(pa.Table.from_batches(blocks))
    assert isinstance(frame, pl.DataFrame)
    height = frame.height
    return frame.select(
        *(pl.col(f"c{i}").alias(source_column(i)) for i in used),
        pl.int_range(first_line, first_line + height, dtype=pl.Int64).alias("__line"),
        pl.repeat(False, height, dtype=pl.Boolean).alias("__ragged"),
    )


def arrow_frames(
    path: Path, delimiter: str, header_width: int, used: list[int], batch_rows: int
) -> Iterator[pl.DataFrame]:
    """Raw frames (`__srcN` text columns, `__line`, `__ragged`) of the data rows of `path`,
    about `batch_rows` rows each (whole blocks: the last block may overshoot)."""

    def reject(_row: object) -> str:
        return "error"

    names = [f"c{i}" for i in range(header_width)]
    wanted = [f"c{i}" for i in used]
    first_line = 2
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=False, invalid_row_handler=reject
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(wanted, pa.string()),
                strings_can_be_null=False,
                include_columns=wanted,
            ),
        )
        blocks: list[pa.RecordBatch] = []
        rows = 0
        for block in reader:
            blocks.append(block)
            rows += block.num_rows
            if rows >= batch_rows:
                yield _raw_frame(blocks, used, first_line)
                first_line += rows
                blocks, rows = [], 0
        if rows:
            yield _raw_frame(blocks, used, first_line)
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise NeedsExactReader(str(exc)) from exc
