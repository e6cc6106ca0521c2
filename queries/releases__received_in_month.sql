-- name: releases__received_in_month
-- grain: one row per press release received in the month (received_month, local time)
-- params: month, all_entities, entity_ids, all_sectors, sectors
-- Releases have no case type, channel or province: only the entity and sector filters apply.
-- Imported releases, plus the ones sent in the dashboard and VALIDATED by an asesor: received
-- at the server's receipt time, published at the planned media time the enlace gave (ids
-- `T-<n>` so they never collide with imported ids). Pending and returned ones never count.
with known_releases as (
    select
        r.release_id as release_id,
        r.entity_id as entity_id,
        r.received_at as received_at,
        r.published_at as published_at
    from press_releases as r
    where r.received_month = :month
    union all
    select
        'T-' || cast(s.submission_id as varchar(20)) as release_id,
        s.entity_id as entity_id,
        s.submitted_at as received_at,
        s.media_at as published_at
    from obligation_releases as s
    where s.received_month = :month
        and s.status = 'validado'
)
select
    k.release_id as release_id,
    k.entity_id as entidad_id,
    e.name as entidad,
    k.received_at as received_at,
    k.published_at as published_at
from known_releases as k
inner join entities as e on e.entity_id = k.entity_id
where (:all_entities or k.entity_id in :entity_ids)
    and (:all_sectors or e.sector in :sectors)
order by k.entity_id, k.release_id
