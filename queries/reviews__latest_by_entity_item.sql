-- name: reviews__latest_by_entity_item
-- grain: one row per entity and item with a review on or before the reference date
-- params: as_of_on
-- The latest local review date known on the reference date (later reviews are not yet known).
select
    r.entity_id as entidad_id,
    r.item as item,
    max(r.reviewed_on) as reviewed_on
from directory_reviews as r
where r.reviewed_on <= :as_of_on
group by r.entity_id, r.item
order by r.entity_id, r.item
