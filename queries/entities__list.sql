-- name: entities__list
-- grain: one row per entity
-- params: none
select
    e.entity_id as entity_id,
    e.name as name,
    e.sector as sector,
    e.active as active
from entities as e
order by e.entity_id
