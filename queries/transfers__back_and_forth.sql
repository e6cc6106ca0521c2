-- name: transfers__back_and_forth
-- grain: one row per transfer in the date window that returns a case to an entity that had already transferred it out (A→B→A), anulado excluded; at most max_rows, with the total
-- params: start_on, end_on, max_rows, all_entities, entity_ids, all_sectors, sectors, @transfer_cases
-- Case-level (ids, entities, dates): the page decides who may see it. A row is kept when the
-- returning or the receiving entity passes the entity and sector filters. `total` is the
-- number of rows before the limit (a window over the filtered rows).
with returns as (
    select
        t.case_id as case_id,
        c.entity_id as entity_id,
        t.from_entity_id as devuelto_por,
        t.to_entity_id as devuelto_a,
        t.transferred_on as transferred_on,
        (select count(*) from transfers as a where a.case_id = t.case_id) as traslados
    -- include: transfer_cases
    and t.transferred_on between :start_on and :end_on
    and exists (
        select 1
        from transfers as p
        where p.case_id = t.case_id
            and p.from_entity_id = t.to_entity_id
            and (
                p.transferred_at < t.transferred_at
                or (p.transferred_at = t.transferred_at and p.transfer_id < t.transfer_id)
            )
    )
    and exists (
        select 1
        from entities as e
        where e.entity_id in (t.from_entity_id, t.to_entity_id)
            and (:all_entities or e.entity_id in :entity_ids)
            and (:all_sectors or e.sector in :sectors)
    )
)
select
    returns.case_id as case_id,
    returns.entity_id as entity_id,
    returns.devuelto_por as devuelto_por,
    returns.devuelto_a as devuelto_a,
    returns.transferred_on as transferred_on,
    returns.traslados as traslados,
    count(*) over () as total
from returns
order by returns.transferred_on, returns.case_id
limit :max_rows
