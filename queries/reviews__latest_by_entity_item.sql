-- name: reviews__latest_by_entity_item
-- grain: one row per entity and item with a review on or before the reference date
-- params: as_of_on
-- The latest local review date known on the reference date: imported reviews dated on or
-- before it (later ones are not yet known), and reviews sent in the dashboard and VALIDATED by
-- an asesor, at their local receipt date. A pending or returned submission never counts. The
-- dashboard stamps its own receipt time, so a validated review received after the reference
-- date (the case data lag behind) counts on the reference date itself (age 0).
with known_reviews as (
    select
        r.entity_id as entity_id,
        r.item as item,
        r.reviewed_on as reviewed_on
    from directory_reviews as r
    where r.reviewed_on <= :as_of_on
    union all
    select
        s.entity_id as entity_id,
        s.item as item,
        case when s.submitted_on > :as_of_on then :as_of_on else s.submitted_on end
            as reviewed_on
    from obligation_reviews as s
    where s.status = 'validado'
)
select
    k.entity_id as entidad_id,
    k.item as item,
    max(k.reviewed_on) as reviewed_on
from known_reviews as k
group by k.entity_id, k.item
order by k.entity_id, k.item
