-- name: releases__received_in_month
-- grain: one row per press release received in the month (received_month, local time)
-- params: month, all_entities, entity_ids, all_sectors, sectors
-- Releases have no case type, channel or province: only the entity and sector filters apply.
select
    r.release_id as release_id,
    r.entity_id as entidad_id,
    e.name as entidad,
    r.received_at as received_at,
    r.published_at as published_at
from press_releases as r
inner join entities as e on e.entity_id = r.entity_id
where r.received_month = :month
    and (:all_entities or r.entity_id in :entity_ids)
    and (:all_sectors or e.sector in :sectors)
order by r.entity_id, r.release_id
