-- name: summaries__received_rows
-- grain: one row per entity, case type, channel, province and month received (created_month) with cases received in the date window, anulado excluded
-- params: start_on, end_on, legal_limit
-- The detail rows of `summary_received` (cac311.db.summaries writes them; `cac311 db check`
-- compares the stored rows with a fresh run). Cohort: cases received in the month closed within
-- the legal limit, as known now, in each day-count mode (SPEC §3, cohorte_en_plazo_pct).
select
    c.entity_id as entity_id,
    c.case_type as case_type,
    c.channel as channel,
    c.province as province,
    c.created_month as mes,
    count(*) as recibidos,
    sum(
        case when c.closed_day - c.created_day <= :legal_limit then 1 else 0 end
    ) as cohorte_en_plazo_calendario,
    sum(
        case when c.closed_bday - c.created_bday <= :legal_limit then 1 else 0 end
    ) as cohorte_en_plazo_habiles
from cases as c
where c.status <> 'anulado'
    and c.created_on between :start_on and :end_on
group by c.entity_id, c.case_type, c.channel, c.province, c.created_month
