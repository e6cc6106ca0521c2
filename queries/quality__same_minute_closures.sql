-- name: quality__same_minute_closures
-- grain: one row per entity with cases closed in the date window, anulado excluded
-- params: start_on, end_on
-- Same minute: closed_at earlier than created_at plus 60 seconds (UTC instants). SQLite has no
-- interval arithmetic: queries/sqlite/ holds its own text of this query.
select
    c.entity_id as entidad_id,
    e.name as entidad,
    count(*) as cerrados,
    sum(
        case when c.closed_at < c.created_at + interval '60' second then 1 else 0 end
    ) as mismo_minuto
from cases as c
inner join entities as e on e.entity_id = c.entity_id
where c.status <> 'anulado'
    and c.closed_on between :start_on and :end_on
group by c.entity_id, e.name
order by c.entity_id
