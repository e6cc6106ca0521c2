-- name: cases__days_distribution
-- grain: one row per day count (dias, in the chosen mode) of the cases closed in the date window, anulado excluded
-- params: start_on, end_on, mode, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
with closed_cases as (
    select
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
    closed_cases.dias as dias,
    count(*) as casos
from closed_cases
group by closed_cases.dias
order by closed_cases.dias
