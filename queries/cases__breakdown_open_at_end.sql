-- name: cases__breakdown_open_at_end
-- grain: one row per group with cases open on the month end E, anulado excluded
-- params: end_on, end_ordinal, by, mode, legal_limit, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- The group-by column is chosen by the value of the by parameter from the fixed allow-list
-- written here (anything else groups into null): no identifier ever comes from the caller.
-- Overdue: open on E with age on E (E's ordinal in the chosen mode minus the created ordinal)
-- above the legal limit.
with open_cases as (
    select
        case
            when :by = 'case_type' then c.case_type
            when :by = 'category' then c.category
            when :by = 'channel' then c.channel
            when :by = 'province' then c.province
            when :by = 'sector' then e.sector
            when :by = 'entity_id' then c.entity_id
        end as grupo,
        case
            when :mode = 'habiles' then :end_ordinal - c.created_bday
            else :end_ordinal - c.created_day
        end as edad
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    where c.status <> 'anulado'
        and c.created_on <= :end_on
        and (c.closed_on is null or c.closed_on > :end_on)
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
)
select
    open_cases.grupo as grupo,
    count(*) as abiertos_fin_mes,
    sum(case when open_cases.edad > :legal_limit then 1 else 0 end) as vencidos_fin_mes
from open_cases
group by open_cases.grupo
order by open_cases.grupo
