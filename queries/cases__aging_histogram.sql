-- name: cases__aging_histogram
-- grain: one row per age (edad, days in the chosen mode) of the cases open on the reference date, anulado excluded
-- params: as_of_on, as_of_ordinal, mode, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- Open on X: created_on <= X and (closed_on null or closed_on > X). Age on X: X's ordinal in the
-- chosen mode (computed by the caller) minus the case's created ordinal in that mode.
with open_cases as (
    select
        case
            when :mode = 'habiles' then :as_of_ordinal - c.created_bday
            else :as_of_ordinal - c.created_day
        end as edad
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    where c.status <> 'anulado'
        and c.created_on <= :as_of_on
        and (c.closed_on is null or c.closed_on > :as_of_on)
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
)
select
    open_cases.edad as edad,
    count(*) as casos
from open_cases
group by open_cases.edad
order by open_cases.edad
