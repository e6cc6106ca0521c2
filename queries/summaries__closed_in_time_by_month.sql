-- name: summaries__closed_in_time_by_month
-- grain: one row per group and month closed (mes), from summary_closed
-- params: start_month, end_month, mode, legal_limit, @summary_group_key, @summary_filters
-- The rows of queries/summaries__closed_histogram_by_month.sql summed in the database: cerrados
-- and cerrados_en_plazo (dias <= legal_limit), what the índice needs without the day counts
-- (the early-warning flags read every month since the first: the histogram was 170,000 rows
-- at 10M cases, these are entities × months).
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
    sum(closed.casos) as cerrados,
    sum(case when closed.dias <= :legal_limit then closed.casos else 0 end) as cerrados_en_plazo
from closed
group by closed.grupo, closed.mes
order by closed.grupo, closed.mes
