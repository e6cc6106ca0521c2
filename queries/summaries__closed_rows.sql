-- name: summaries__closed_rows
-- grain: one row per entity, case type, channel, province, month closed (closed_month) and pair of day counts (calendar, working days) with cases closed in the date window, anulado excluded
-- params: start_on, end_on
-- The detail rows of `summary_closed`: the closed-case histogram of both modes at once (dias as
-- in queries/include/closed_dias.sql), from which cerrados, en plazo (any limit), median and p90
-- follow exactly. One row per pair rather than one row set per mode: the working-day count
-- nearly follows from the calendar one, so the pairs are ~45 % fewer rows than two sets.
select
    c.entity_id as entity_id,
    c.case_type as case_type,
    c.channel as channel,
    c.province as province,
    c.closed_month as mes,
    c.closed_day - c.created_day as dias_calendario,
    c.closed_bday - c.created_bday as dias_habiles,
    count(*) as casos
from cases as c
where c.status <> 'anulado'
    and c.closed_on between :start_on and :end_on
group by
    c.entity_id,
    c.case_type,
    c.channel,
    c.province,
    c.closed_month,
    c.closed_day - c.created_day,
    c.closed_bday - c.created_bday
