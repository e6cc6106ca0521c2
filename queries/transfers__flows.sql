-- name: transfers__flows
-- grain: one row per (origin, destination) entity pair with transfers in the date window, anulado excluded
-- params: start_on, end_on, all_entities, entity_ids, all_sectors, sectors, @transfer_cases
-- A pair is kept when its origin or its destination passes the entity and sector filters.
-- `casos` counts distinct cases (a case moved twice between the same pair in M counts once).
select
    t.from_entity_id as origen_id,
    t.to_entity_id as destino_id,
    count(*) as traslados,
    count(distinct t.case_id) as casos
    -- include: transfer_cases
    and t.transferred_on between :start_on and :end_on
    and exists (
        select 1
        from entities as e
        where e.entity_id in (t.from_entity_id, t.to_entity_id)
            and (:all_entities or e.entity_id in :entity_ids)
            and (:all_sectors or e.sector in :sectors)
    )
group by t.from_entity_id, t.to_entity_id
order by t.from_entity_id, t.to_entity_id
