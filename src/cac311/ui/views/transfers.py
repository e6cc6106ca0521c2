"""View-models of the transfer figures (docs/metrics.md §15): who may see which rows, the
matrix as a grid, an entity's figures, the ranking download's columns. Pure: frames in, frames
out."""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from cac311.auth.identity import Identity
from cac311.filters import CaseFilters
from metrics.transfers import ENTITY_SCHEMA, OTHERS, matrix_labels, transfer_matrix

RANKING_COLUMNS = ("traslados_salida", "traslados_entrada", "vencidos_heredados")
TOP_CHOICES = (5, 10, 15, 20)


def scoped_filters(identity: Identity, filters: CaseFilters) -> CaseFilters | None:
    """The filters a viewer's transfer figures are asked with: administrators and directors
    as chosen; an enlace or asesor only their own entities (those of the chosen filter that are
    theirs, or all of theirs). None when the viewer has no entity to see."""
    if identity.role in ("admin", "director"):
        return filters
    own = identity.own_entities
    if not own:
        return None
    chosen = tuple(e for e in filters.entity_ids if e in own) or own
    return replace(filters, entity_ids=chosen, sectors=())


@dataclass(frozen=True)
class MatrixGrid:
    """The heatmap's axes (origin rows, destination columns, same order) and its cells."""

    labels: list[str]
    cells: list[list[int]]  # cells[i][j]: transfers from labels[i] to labels[j]
    long: pl.DataFrame  # origen, destino, traslados (the download)

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.cells)


def matrix_grid(flows: pl.DataFrame, top_n: int) -> MatrixGrid:
    """The top-N matrix of `flows` as a square grid (zeros where no transfer)."""
    if flows.is_empty():
        return MatrixGrid([], [], transfer_matrix(flows, top_n))
    labels = matrix_labels(flows, top_n)
    long = transfer_matrix(flows, top_n)
    index = {label: i for i, label in enumerate(labels)}
    cells = [[0] * len(labels) for _ in labels]
    for origin, destination, count in long.iter_rows():
        cells[index[origin]][index[destination]] = int(count)
    return MatrixGrid(labels, cells, long)


def entity_row(figures: pl.DataFrame, entity_id: str) -> dict[str, object]:
    """One entity's figures (zeros and no median when it had no transfer in M)."""
    rows = figures.filter(pl.col("entidad_id") == entity_id)
    if rows.is_empty():
        empty = {c: 0 for c in ENTITY_SCHEMA}
        return {**empty, "entidad_id": entity_id, "mediana_dias_en_poder": None}
    return rows.row(0, named=True)


def entity_counterparts(flows: pl.DataFrame, entity_id: str) -> pl.DataFrame:
    """The entity's transfers of M by counterpart: entidad_id (the other entity), enviados
    (from the entity to it), recibidos (from it to the entity); most transfers first."""
    sent = flows.filter(pl.col("origen_id") == entity_id).select(
        pl.col("destino_id").alias("entidad_id"), pl.col("traslados").alias("enviados")
    )
    got = flows.filter(pl.col("destino_id") == entity_id).select(
        pl.col("origen_id").alias("entidad_id"), pl.col("traslados").alias("recibidos")
    )
    return (
        sent.join(got, on="entidad_id", how="full", coalesce=True)
        .with_columns(pl.col("enviados", "recibidos").fill_null(0).cast(pl.Int64))
        .sort(
            [pl.col("enviados") + pl.col("recibidos"), pl.col("entidad_id")],
            descending=[True, False],
        )
    )


def visible_cases(cases: pl.DataFrame, identity: Identity) -> pl.DataFrame:
    """The rows of a case list (column `entity_id`: the case's entity) the viewer may see:
    all for administrators and directors, else only the cases of their own entities."""
    if identity.role in ("admin", "director"):
        return cases
    return cases.filter(pl.col("entity_id").is_in(list(identity.own_entities)))


def ranking_columns(figures: pl.DataFrame) -> pl.DataFrame:
    """The per-entity columns the ranking download joins on entidad_id."""
    return figures.select("entidad_id", *RANKING_COLUMNS)


def others_note(grid: MatrixGrid) -> bool:
    """True when the matrix folds some entities into «Otras»."""
    return OTHERS in grid.labels
