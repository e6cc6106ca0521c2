-- name: transfer_cases
-- grain: the from and where clauses of the transfers of the cases the dashboard's case filters keep (anulado excluded): `transfers as t` joined to `cases as c`
-- params: all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- The entity and sector filters are not here: each transfers query applies them to the entity
-- its rows are about (origin, destination or holder), docs/metrics.md §15. A query continues
-- the where clause with its own `and ...` lines.
    from transfers as t
    inner join cases as c on c.case_id = t.case_id
    where c.status <> 'anulado'
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
