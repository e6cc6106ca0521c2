-- name: cases__sla_closed_by_entity
-- grain: one row per entity with cases closed in the date window that carry a service SLA, anulado excluded
-- params: start_on, end_on, mode, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- Service SLA clock, separate from the legal limit: within SLA when dias <= sla_days.
with sla_cases as (
    select
        c.entity_id as entity_id,
        c.sla_days as sla_days,
        case
            when :mode = 'habiles' then c.closed_bday - c.created_bday
            else c.closed_day - c.created_day
        end as dias
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    where c.status <> 'anulado'
        and c.sla_days is not null
        and c.closed_on between :start_on and :end_on
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
)
select
    sla_cases.entity_id as entidad_id,
    count(*) as cerrados_con_sla,
    sum(case when sla_cases.dias <= sla_cases.sla_days then 1 else 0 end) as dentro_sla
from sla_cases
group by sla_cases.entity_id
order by sla_cases.entity_id
