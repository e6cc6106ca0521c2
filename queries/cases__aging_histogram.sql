-- name: cases__aging_histogram
-- grain: one row per age (edad, days in the chosen mode) of the cases open on the reference date, anulado excluded
-- params: as_of_on, @age_on_as_of, @filtered_cases
-- Open on X: created_on <= X and (closed_on null or closed_on > X). Age on X: X's ordinal in the
-- chosen mode (computed by the caller) minus the case's created ordinal in that mode.
with open_cases as (
    select
        -- include: age_on_as_of
        as edad
    -- include: filtered_cases
        and c.created_on <= :as_of_on
        and (c.closed_on is null or c.closed_on > :as_of_on)
)
select
    open_cases.edad as edad,
    count(*) as casos
from open_cases
group by open_cases.edad
order by open_cases.edad
