-- name: summaries__closed_rows
-- grain: one row per entity, case type, channel, province, month closed (closed_month), day-count mode and day count with cases closed in the date window, anulado excluded
-- params: start_on, end_on
-- The detail rows of `summary_closed`: the closed-case histogram of both modes (dias as in
-- queries/include/closed_dias.sql), from which cerrados, en plazo (any limit), median and p90
-- follow exactly.
with closed_cases as (
    select
        c.entity_id as entity_id,
        c.case_type as case_type,
        c.channel as channel,
        c.province as province,
        c.closed_month as mes,
        c.closed_day - c.created_day as dias_calendario,
        c.closed_bday - c.created_bday as dias_habiles
    from cases as c
    where c.status <> 'anulado'
        and c.closed_on between :start_on and :end_on
),
by_mode as (
    select
        closed_cases.entity_id as entity_id,
        closed_cases.case_type as case_type,
        closed_cases.channel as channel,
        closed_cases.province as province,
        closed_cases.mes as mes,
        'calendario' as modo,
        closed_cases.dias_calendario as dias
    from closed_cases
    union all
    select
        closed_cases.entity_id as entity_id,
        closed_cases.case_type as case_type,
        closed_cases.channel as channel,
        closed_cases.province as province,
        closed_cases.mes as mes,
        'habiles' as modo,
        closed_cases.dias_habiles as dias
    from closed_cases
)
select
    by_mode.entity_id as entity_id,
    by_mode.case_type as case_type,
    by_mode.channel as channel,
    by_mode.province as province,
    by_mode.mes as mes,
    by_mode.modo as modo,
    by_mode.dias as dias,
    count(*) as casos
from by_mode
group by
    by_mode.entity_id,
    by_mode.case_type,
    by_mode.channel,
    by_mode.province,
    by_mode.mes,
    by_mode.modo,
    by_mode.dias
