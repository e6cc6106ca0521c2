-- name: reviews__active_entities
-- grain: one row per active entity (the population of the directory freshness table)
-- params: none
select
    e.entity_id as entidad_id,
    e.name as entidad,
    e.sector as sector
from entities as e
where e.active = true
order by e.entity_id
