-- name: transfers__received_cases
-- grain: one row per destination entity with transfers in the date window, anulado excluded
-- params: start_on, end_on, all_entities, entity_ids, all_sectors, sectors, @transfer_cases
-- Distinct cases an entity received by transfer in M (a case received twice counts once).
select
    t.to_entity_id as entidad_id,
    count(distinct t.case_id) as casos_recibidos_traslado
    -- include: transfer_cases
    and t.transferred_on between :start_on and :end_on
    and exists (
        select 1
        from entities as e
        where e.entity_id = t.to_entity_id
            and (:all_entities or e.entity_id in :entity_ids)
            and (:all_sectors or e.sector in :sectors)
    )
group by t.to_entity_id
order by t.to_entity_id
