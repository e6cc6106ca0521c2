-- name: cases__sla_closed_by_entity
-- grain: one row per entity with cases closed in the date window that carry a service SLA, anulado excluded
-- params: start_on, end_on, @closed_dias, @filtered_cases
-- Service SLA clock, separate from the legal limit: within SLA when dias <= sla_days.
with sla_cases as (
    select
        c.entity_id as entity_id,
        c.sla_days as sla_days,
        -- include: closed_dias
        as dias
    -- include: filtered_cases
        and c.sla_days is not null
        and c.closed_on between :start_on and :end_on
)
select
    sla_cases.entity_id as entidad_id,
    count(*) as cerrados_con_sla,
    sum(case when sla_cases.dias <= sla_cases.sla_days then 1 else 0 end) as dentro_sla
from sla_cases
group by sla_cases.entity_id
order by sla_cases.entity_id
