-- name: obligations__releases_by_entity
-- grain: one row per entity with a press release sent in the dashboard and received in the month
-- params: month
-- Counts by state; a returned release counts as "devuelto" until it is resubmitted.
select
    s.entity_id as entidad_id,
    e.name as entidad,
    e.sector as sector,
    sum(case when s.status = 'pendiente' then 1 else 0 end) as pendientes,
    sum(
        case
            when s.status = 'devuelto'
                and not exists (
                    select 1 from obligation_releases as n where n.replaces_id = s.submission_id
                )
            then 1
            else 0
        end
    ) as devueltos,
    sum(case when s.status = 'validado' then 1 else 0 end) as validados
from obligation_releases as s
inner join entities as e on e.entity_id = s.entity_id
where s.received_month = :month
group by s.entity_id, e.name, e.sector
order by s.entity_id
