-- name: publications__list
-- grain: one row per month whose final publication bundle has a recorded publication date
-- params: none
select
    p.period as period,
    p.published_on as published_on,
    p.source as source,
    p.recorded_by as recorded_by,
    p.reason as reason,
    p.recorded_at as recorded_at
from publications as p
order by p.period
