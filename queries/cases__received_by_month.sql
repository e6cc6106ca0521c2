-- name: cases__received_by_month
-- grain: one row per group and month received (created_month), anulado excluded
-- params: start_on, end_on, legal_limit, @group_key, @closed_dias, @filtered_cases
-- The cohort: every case received in the month, and how many of them are closed (as known now,
-- i.e. at datos_al) within the legal limit in the chosen day-count mode.
with received_cases as (
    select
        -- include: group_key
        as grupo,
        c.created_month as mes,
        case
            when c.closed_on is null then 0
            when (
                -- include: closed_dias
            ) <= :legal_limit then 1
            else 0
        end as en_plazo
    -- include: filtered_cases
        and c.created_on between :start_on and :end_on
)
select
    received_cases.grupo as grupo,
    received_cases.mes as mes,
    count(*) as recibidos,
    sum(received_cases.en_plazo) as cohorte_en_plazo
from received_cases
group by received_cases.grupo, received_cases.mes
order by received_cases.grupo, received_cases.mes
