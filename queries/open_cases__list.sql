-- name: open_cases__list
-- grain: one row per case open on the reference date whose age lies in the window, anulado excluded
-- params: as_of_on, as_of_ordinal, mode, min_age, max_age, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- Case-level (ids, type, category, channel, province, dates, SLA): no citizen data. The page
-- guard decides who may see it.
with open_cases as (
    select
        c.case_id as case_id,
        c.entity_id as entity_id,
        c.case_type as case_type,
        c.category as category,
        c.channel as channel,
        c.province as province,
        c.created_on as created_on,
        c.sla_days as sla_days,
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
    open_cases.case_id as case_id,
    open_cases.entity_id as entity_id,
    open_cases.case_type as case_type,
    open_cases.category as category,
    open_cases.channel as channel,
    open_cases.province as province,
    open_cases.created_on as created_on,
    open_cases.edad as edad,
    open_cases.sla_days as sla_days
from open_cases
where open_cases.edad between :min_age and :max_age
order by open_cases.edad desc, open_cases.case_id
