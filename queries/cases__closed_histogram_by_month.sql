-- name: cases__closed_histogram_by_month
-- grain: one row per group, month closed (closed_month) and day count, anulado excluded
-- params: start_on, end_on, group_by, mode, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- Counts of closed cases per day count: cerrados, en plazo, median and p90 follow exactly.
with closed_cases as (
    select
        case
            when :group_by = 'entity_id' then c.entity_id
            when :group_by = 'sector' then e.sector
            when :group_by = 'case_type' then c.case_type
            when :group_by = 'channel' then c.channel
            when :group_by = 'province' then c.province
            else 'Total'
        end as grupo,
        c.closed_month as mes,
        case
            when :mode = 'habiles' then c.closed_bday - c.created_bday
            else c.closed_day - c.created_day
        end as dias
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    where c.status <> 'anulado'
        and c.closed_on between :start_on and :end_on
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
)
select
    closed_cases.grupo as grupo,
    closed_cases.mes as mes,
    closed_cases.dias as dias,
    count(*) as casos
from closed_cases
group by closed_cases.grupo, closed_cases.mes, closed_cases.dias
order by closed_cases.grupo, closed_cases.mes, closed_cases.dias
