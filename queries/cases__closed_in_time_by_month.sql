-- name: cases__closed_in_time_by_month
-- grain: one row per group and month closed (closed_month), anulado excluded
-- params: start_on, end_on, legal_limit, @group_key, @closed_dias, @filtered_cases
-- The rows of queries/cases__closed_histogram_by_month.sql summed in the database: cerrados and
-- cerrados_en_plazo (dias <= legal_limit); the same as summaries__closed_in_time_by_month.
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
    count(*) as cerrados,
    sum(case when closed_cases.dias <= :legal_limit then 1 else 0 end) as cerrados_en_plazo
from closed_cases
group by closed_cases.grupo, closed_cases.mes
order by closed_cases.grupo, closed_cases.mes
