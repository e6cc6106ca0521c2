-- name: summaries__received_by_month
-- grain: one row per group and month received (mes), from summary_received
-- params: start_month, end_month, mode, @summary_group_key, @summary_filters
-- Same rows as queries/cases__received_by_month.sql for the legal limit the summaries were built
-- for (cac311.db.summaries); the cohort column of the chosen day-count mode.
with received as (
    select
        -- include: summary_group_key
        as grupo,
        s.mes as mes,
        s.recibidos as recibidos,
        case
            when :mode = 'habiles' then s.cohorte_en_plazo_habiles
            when :mode = 'calendario' then s.cohorte_en_plazo_calendario
        end as cohorte_en_plazo
    from summary_received as s
    inner join entities as e on e.entity_id = s.entity_id
    -- include: summary_filters
        and s.mes between :start_month and :end_month
)
select
    received.grupo as grupo,
    received.mes as mes,
    sum(received.recibidos) as recibidos,
    sum(received.cohorte_en_plazo) as cohorte_en_plazo
from received
group by received.grupo, received.mes
order by received.grupo, received.mes
