-- name: summaries__closed_histogram_by_month
-- grain: one row per group, month closed (mes) and day count in the chosen mode, from summary_closed
-- params: start_month, end_month, mode, @summary_group_key, @summary_filters
-- Same rows as queries/cases__closed_histogram_by_month.sql.
with closed as (
    select
        -- include: summary_group_key
        as grupo,
        s.mes as mes,
        case
            when :mode = 'habiles' then s.dias_habiles
            when :mode = 'calendario' then s.dias_calendario
        end as dias,
        s.casos as casos
    from summary_closed as s
    inner join entities as e on e.entity_id = s.entity_id
    -- include: summary_filters
        and s.mes between :start_month and :end_month
)
select
    closed.grupo as grupo,
    closed.mes as mes,
    closed.dias as dias,
    sum(closed.casos) as casos
from closed
group by closed.grupo, closed.mes, closed.dias
order by closed.grupo, closed.mes, closed.dias
