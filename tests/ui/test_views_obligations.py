"""Table shapes of the obligation pages (cac311.ui.views.obligations): tiny frames, hand answers."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from cac311.ui.views.obligations import (
    SUBMISSION_TABLE_COLUMNS,
    attachments_of,
    item_rows,
    own_items,
    pending_by_entity,
    submission_table,
)
from metrics.obligations import (
    ENTITY_OBLIGATIONS_SCHEMA,
    ITEM_STATE_SCHEMA,
    SUBMISSION_VIEW_SCHEMA,
)

ITEMS = {"directorio": "Directorio", "sla": "SLA"}
RECEIVED = datetime(2026, 11, 10, 9, 30)


def _submission(**values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(SUBMISSION_VIEW_SCHEMA)
    row.update(entidad_id="MINSA", status="pendiente", recibido=RECEIVED, antiguedad_dias=3)
    row.update(values)
    return row


VIEW = pl.DataFrame(
    [
        _submission(tipo="review", submission_id=12, item="sla", sin_cambios=True),
        _submission(
            tipo="release",
            submission_id=3,
            titulo="Nuevo horario",
            status="devuelto",
            attachment_id=7,
            adjunto="horario.pdf",
        ),
        _submission(tipo="review", submission_id=13, item="directorio", sin_cambios=False),
    ],
    schema=SUBMISSION_VIEW_SCHEMA,
)


def test_submission_table_puts_kind_state_and_detail_in_words_in_the_same_order() -> None:
    table = submission_table(VIEW, ITEMS)
    assert tuple(table.columns) == SUBMISSION_TABLE_COLUMNS
    assert table.select("submission_id", "tipo", "detalle", "estado").rows() == [
        (12, "Revisión", "SLA — sin cambios", "Pendiente de validación"),
        (3, "Comunicado", "Nuevo horario", "Devuelto"),
        (13, "Revisión", "Directorio — con cambios", "Pendiente de validación"),
    ]


def test_attachments_of_lists_only_rows_with_a_file_by_submission_key() -> None:
    assert attachments_of(VIEW) == [(7, "horario.pdf", "release:3")]


def _entity(entity_id: str, **counts: int) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(ENTITY_OBLIGATIONS_SCHEMA, 0)
    row.update(entidad_id=entity_id, entidad=entity_id.title(), sector="ministerio")
    row.update(dias_pendiente=None, pct_con_anticipacion=None)
    row.update(counts)
    return row


def test_pending_by_entity_keeps_entities_with_anything_waiting_without_counted_releases() -> None:
    entities = pl.DataFrame(
        [
            _entity("MINSA", revisiones_pendientes=2, dias_pendiente=4, comunicados=9),
            _entity("MEF", comunicados=5),  # only counted releases: nothing waits
            _entity("MIDES", comunicados_devueltos=1),
        ],
        schema=ENTITY_OBLIGATIONS_SCHEMA,
    )
    waiting = pending_by_entity(entities)
    assert waiting["entidad_id"].to_list() == ["MINSA", "MIDES"]
    assert "comunicados" not in waiting.columns
    assert "pct_con_anticipacion" not in waiting.columns


def _item(item: str, origin: str | None, reviewed: date | None) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(ITEM_STATE_SCHEMA)
    row.update(entidad_id="MINSA", entidad="Salud", sector="ministerio", item=item)
    row.update(ultima_revision=reviewed, origen=origin, revisiones_pendientes=0)
    row.update(revisiones_devueltas=0)
    return row


ITEM_STATE = pl.DataFrame(
    [
        _item("sla", "tablero", date(2026, 11, 2)),
        _item("directorio", "importado", date(2026, 10, 1)),
        _item("base_conocimiento", None, None),
    ],
    schema=ITEM_STATE_SCHEMA,
)


def test_item_rows_put_item_and_origin_in_words() -> None:
    rows = item_rows(ITEM_STATE, ITEMS).select("item", "origen").rows()
    assert rows == [
        ("SLA", "Tablero (validada)"),
        ("Directorio", "Importado"),
        ("base_conocimiento", None),  # no label given: the code stays
    ]


def test_own_items_follow_the_item_order_and_join_the_freshness_when_there_is_one() -> None:
    freshness = pl.DataFrame(
        {
            "entidad_id": ["MINSA"],
            "item": ["sla"],
            "estado": ["al_dia"],
            "edad_dias": [8],
        }
    )
    table = own_items(ITEM_STATE, freshness, ITEMS, {"al_dia": "Al día"})
    assert table.select("item", "estado", "edad_dias").rows() == [
        ("Directorio", None, None),
        ("SLA", "Al día", 8),
        ("base_conocimiento", None, None),
    ]
