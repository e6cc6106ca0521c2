-- name: summary_filters
-- grain: the where clause of the summary rows the dashboard's filters keep: a summary table `as s` joined to `entities as e`
-- params: detalle, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- The summaries' counterpart of filtered_cases.sql (anulado is never in a summary). `detalle`
-- picks the level: true = rows per entity, case type, channel and province; false = one rollup
-- row per entity (case type, channel and province null), read when no filter or group needs
-- those columns (cac311.analytics.monthly).
    where s.detalle = :detalle
        and (:all_entities or s.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or s.case_type in :case_types)
        and (:all_channels or s.channel in :channels)
        and (:all_provinces or s.province in :provinces)
