-- name: cases__closed_histogram_by_month
-- grain: one row per group, month closed (closed_month) and day count, anulado excluded
-- params: start_on, end_on, @group_key, @closed_dias, @filtered_cases
-- Counts of closed cases per day count: cerrados, en plazo, median and p90 follow exactly, and
-- with group_by 'none' over one month it is the distribution of dias the Entidad page draws.
with closed_cases as (
    select
        -- include: group_key
        as grupo,
        c.closed_month as mes,
        -- include: closed_dias
        as dias
    -- include: filtered_cases
        and c.closed_on between :start_on and :end_on
)
select
    closed_cases.grupo as grupo,
    closed_cases.mes as mes,
    closed_cases.dias as dias,
    count(*) as casos
from closed_cases
group by closed_cases.grupo, closed_cases.mes, closed_cases.dias
order by closed_cases.grupo, closed_cases.mes, closed_cases.dias
