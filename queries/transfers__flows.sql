-- name: transfers__flows
-- grain: one row per (origin, destination) entity pair with transfers in the date window, anulado excluded
-- params: start_on, end_on, all_entities, entity_ids, all_sectors, sectors, @transfer_cases
-- A pair is kept when its origin or its destination passes the entity and sector filters;
-- `origen_filtrado` / `destino_filtrado` (1 or 0) say which side does, so an entity's transfers
-- out and in count only for the entities the filters keep. `casos` counts distinct cases (a case
-- moved twice between the same pair in M counts once).
with pairs as (
    select
        t.from_entity_id as origen_id,
        t.to_entity_id as destino_id,
        t.case_id as case_id,
        case
            when (:all_entities or t.from_entity_id in :entity_ids)
                and (
                    :all_sectors or exists (
                        select 1 from entities as e
                        where e.entity_id = t.from_entity_id and e.sector in :sectors
                    )
                ) then 1
            else 0
        end as origen_filtrado,
        case
            when (:all_entities or t.to_entity_id in :entity_ids)
                and (
                    :all_sectors or exists (
                        select 1 from entities as e
                        where e.entity_id = t.to_entity_id and e.sector in :sectors
                    )
                ) then 1
            else 0
        end as destino_filtrado
    -- include: transfer_cases
    and t.transferred_on between :start_on and :end_on
)
select
    pairs.origen_id as origen_id,
    pairs.destino_id as destino_id,
    count(*) as traslados,
    count(distinct pairs.case_id) as casos,
    max(pairs.origen_filtrado) as origen_filtrado,
    max(pairs.destino_filtrado) as destino_filtrado
from pairs
where pairs.origen_filtrado = 1 or pairs.destino_filtrado = 1
group by pairs.origen_id, pairs.destino_id
order by pairs.origen_id, pairs.destino_id
