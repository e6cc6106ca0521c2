-- name: summaries__open_at_month_end
-- grain: one row per group and month end (fin_mes) with any open case, from summary_open
-- params: first_end_on, last_end_on, mode, @summary_group_key, @summary_filters
-- Same rows as queries/cases__open_at_month_end.sql for the legal limit the summaries were built
-- for; the overdue column of the chosen day-count mode.
with open_ends as (
    select
        -- include: summary_group_key
        as grupo,
        s.fin_mes as fin_mes,
        s.abiertos_fin_mes as abiertos_fin_mes,
        case
            when :mode = 'habiles' then s.vencidos_habiles
            when :mode = 'calendario' then s.vencidos_calendario
        end as vencidos_fin_mes
    from summary_open as s
    inner join entities as e on e.entity_id = s.entity_id
    -- include: summary_filters
        and s.fin_mes between :first_end_on and :last_end_on
)
select
    open_ends.grupo as grupo,
    open_ends.fin_mes as fin_mes,
    sum(open_ends.abiertos_fin_mes) as abiertos_fin_mes,
    sum(open_ends.vencidos_fin_mes) as vencidos_fin_mes
from open_ends
group by open_ends.grupo, open_ends.fin_mes
order by open_ends.grupo, open_ends.fin_mes
