-- name: cases__date_range
-- grain: one row for the whole cases table (anulado included: it counts for datos_al)
-- params: none
select
    min(c.created_on) as first_created_on,
    max(c.created_on) as last_created_on,
    max(c.closed_on) as last_closed_on
from cases as c
