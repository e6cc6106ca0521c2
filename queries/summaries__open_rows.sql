-- name: summaries__open_rows
-- grain: one row per entity, case type, channel, province and month end (fin_mes) among the given ends with any open case, anulado excluded
-- params: end_dates, first_end_on, last_end_on, legal_limit
-- The detail rows of `summary_open`, with the rules of queries/cases__open_at_month_end.sql:
-- open at E when created_on <= E and (closed_on null or closed_on > E); overdue when the age on
-- E (E's ordinal from the calendar minus the case's created ordinal) exceeds the legal limit,
-- in each day-count mode. A case closed in the month it was created is open at no month end.
with month_ends as (
    select
        cal.dia as fin_mes,
        cal.day_num as end_day,
        cal.bday_num as end_bday
    from calendar as cal
    where cal.dia in :end_dates
),
candidates as (
    select
        c.entity_id as entity_id,
        c.case_type as case_type,
        c.channel as channel,
        c.province as province,
        c.created_day as created_day,
        c.created_bday as created_bday,
        c.closed_day as closed_day
    from cases as c
    where c.status <> 'anulado'
        and c.created_on <= :last_end_on
        and (c.closed_on is null or c.closed_on > :first_end_on)
        and (c.closed_month is null or c.closed_month > c.created_month)
)
select
    candidates.entity_id as entity_id,
    candidates.case_type as case_type,
    candidates.channel as channel,
    candidates.province as province,
    month_ends.fin_mes as fin_mes,
    count(*) as abiertos_fin_mes,
    sum(
        case when month_ends.end_day - candidates.created_day > :legal_limit then 1 else 0 end
    ) as vencidos_calendario,
    sum(
        case when month_ends.end_bday - candidates.created_bday > :legal_limit then 1 else 0 end
    ) as vencidos_habiles
from candidates
inner join month_ends
    on candidates.created_day <= month_ends.end_day
    and (candidates.closed_day is null or candidates.closed_day > month_ends.end_day)
group by
    candidates.entity_id,
    candidates.case_type,
    candidates.channel,
    candidates.province,
    month_ends.fin_mes
