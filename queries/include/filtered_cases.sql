-- name: filtered_cases
-- grain: the from and where clauses of the cases the dashboard's filters keep (anulado excluded): `cases as c` joined to `entities as e`
-- params: all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- A query continues the where clause with its own `and ...` lines. An anulado case counts for
-- datos_al only, never for a figure (SPEC §3). An empty filter list is bound with its all_* flag
-- true (cac311.filters.CaseFilters.as_params), which short-circuits it.
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    where c.status <> 'anulado'
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
