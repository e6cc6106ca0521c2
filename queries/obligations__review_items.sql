-- name: obligations__review_items
-- grain: one row per active entity and item (directorio, sla, base_conocimiento)
-- params: as_of_on
-- Per item: the latest imported review on or before the reference date, the latest review
-- validated in the dashboard (local receipt date), the pending submissions (count, oldest
-- receipt time, naive UTC) and the returned ones not yet corrected (no later submission of the
-- same entity and item).
with items as (
    select 'directorio' as item
    union all
    select 'sla' as item
    union all
    select 'base_conocimiento' as item
),
imported as (
    select r.entity_id as entity_id, r.item as item, max(r.reviewed_on) as last_imported_on
    from directory_reviews as r
    where r.reviewed_on <= :as_of_on
    group by r.entity_id, r.item
),
validated as (
    select s.entity_id as entity_id, s.item as item, max(s.submitted_on) as last_validated_on
    from obligation_reviews as s
    where s.status = 'validado'
    group by s.entity_id, s.item
),
pending as (
    select
        s.entity_id as entity_id,
        s.item as item,
        count(*) as pendientes,
        min(s.submitted_at) as pending_since
    from obligation_reviews as s
    where s.status = 'pendiente'
    group by s.entity_id, s.item
),
returned_open as (
    select s.entity_id as entity_id, s.item as item, count(*) as devueltas
    from obligation_reviews as s
    where s.status = 'devuelto'
        and not exists (
            select 1
            from obligation_reviews as later
            where later.entity_id = s.entity_id
                and later.item = s.item
                and later.submitted_at > s.submitted_at
        )
    group by s.entity_id, s.item
)
select
    e.entity_id as entidad_id,
    e.name as entidad,
    e.sector as sector,
    i.item as item,
    imp.last_imported_on as last_imported_on,
    val.last_validated_on as last_validated_on,
    coalesce(p.pendientes, 0) as pendientes,
    p.pending_since as pending_since,
    coalesce(d.devueltas, 0) as devueltas
from entities as e
cross join items as i
left join imported as imp on imp.entity_id = e.entity_id and imp.item = i.item
left join validated as val on val.entity_id = e.entity_id and val.item = i.item
left join pending as p on p.entity_id = e.entity_id and p.item = i.item
left join returned_open as d on d.entity_id = e.entity_id and d.item = i.item
where e.active = true
order by e.entity_id, i.item
