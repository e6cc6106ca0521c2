"""The dashboard's case filters (SPEC §4 sidebar) and how every query receives them.

Every query that reads cases for a figure starts its from/where clauses with the shared fragment
`queries/include/filtered_cases.sql` (`-- include: filtered_cases`), which excludes anulado and
ends with exactly:

    and (:all_entities or c.entity_id in :entity_ids)
    and (:all_sectors or e.sector in :sectors)
    and (:all_case_types or c.case_type in :case_types)
    and (:all_channels or c.channel in :channels)
    and (:all_provinces or c.province in :provinces)

`CaseFilters.as_params()` supplies those ten `:named` parameters (lists are bound as expanding
IN-lists by `run_query`; an empty list means "no filter").
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

FILTER_PARAMS: tuple[tuple[str, str, str], ...] = (
    # (field, list parameter, "all" parameter)
    ("entity_ids", "entity_ids", "all_entities"),
    ("sectors", "sectors", "all_sectors"),
    ("case_types", "case_types", "all_case_types"),
    ("channels", "channels", "all_channels"),
    ("provinces", "provinces", "all_provinces"),
)
FILTER_PARAM_NAMES = frozenset(p for _, lst, all_ in FILTER_PARAMS for p in (lst, all_))


@dataclass(frozen=True)
class CaseFilters:
    """Hashable filter values (plain tuples, so cached loaders can key on them)."""

    entity_ids: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()

    def as_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for field_name, list_param, all_param in FILTER_PARAMS:
            values = tuple(getattr(self, field_name))
            params[all_param] = not values
            # An empty IN-list renders oddly on some backends; a sentinel that matches nothing
            # keeps the SQL valid while `all_*` short-circuits it.
            params[list_param] = list(values) if values else ["<sin filtro>"]
        return params

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def with_entity(self, entity_id: str) -> CaseFilters:
        return CaseFilters(
            entity_ids=(entity_id,),
            sectors=self.sectors,
            case_types=self.case_types,
            channels=self.channels,
            provinces=self.provinces,
        )


NO_FILTERS = CaseFilters()
