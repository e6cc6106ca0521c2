-- name: open_cases__list
-- grain: one row per case open on the reference date whose age lies in the window, anulado excluded
-- params: as_of_on, min_age, max_age, @age_on_as_of, @filtered_cases
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
        -- include: age_on_as_of
        as edad
    -- include: filtered_cases
        and c.created_on <= :as_of_on
        and (c.closed_on is null or c.closed_on > :as_of_on)
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
