"""Fast path for plain CSV files: Arrow's multi-threaded streaming CSV reader.

Used only when the byte scan proved that every record is exactly one physical line (no blank
lines, an even number of `"` on every line), so a record's line number is its position + 2.
Any row Arrow rejects (wrong number of fields, ...) makes it give up with `NeedsExactReader`;
the import then restarts with the exact line-by-line reader, which quarantines such rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

BLOCK_BYTES = 8 * 1024 * 1024


class NeedsExactReader(Exception):  # noqa: N818 - a signal, not an error shown to users
    """The fast reader met something only the exact reader handles."""


def source_column(index: int) -> str:
    return f"__src{index}"


def arrow_frames(
    path: Path, delimiter: str, header_width: int, used: list[int]
) -> Iterator[pl.DataFrame]:
    """Raw frames (`__srcN` text columns, `__line`, `__ragged`) of the data rows of `path`."""

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
        for batch in reader:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            height = frame.height
            yield frame.select(
                *(pl.col(f"c{i}").alias(source_column(i)) for i in used),
                pl.int_range(first_line, first_line + height, dtype=pl.Int64).alias("__line"),
                pl.repeat(False, height, dtype=pl.Boolean).alias("__ragged"),
            )
            first_line += height
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise NeedsExactReader(str(exc)) from exc
