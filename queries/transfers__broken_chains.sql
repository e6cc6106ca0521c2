-- name: transfers__broken_chains
-- grain: one row per case (anulado excluded) whose chain of transfers does not connect; at most max_rows, with the total
-- params: max_rows
-- A chain connects when each transfer's origin is the previous transfer's destination (order:
-- transferred_at, then transfer_id) and the last destination is the case's entity
-- (docs/metrics.md §15). Case-level: for Calidad de datos (administrators).
with ordered as (
    select
        t.case_id as case_id,
        c.entity_id as entity_id,
        t.from_entity_id as from_entity_id,
        t.to_entity_id as to_entity_id,
        t.transferred_on as transferred_on,
        lag(t.to_entity_id) over (
            partition by t.case_id order by t.transferred_at, t.transfer_id
        ) as previous_to,
        row_number() over (
            partition by t.case_id order by t.transferred_at desc, t.transfer_id desc
        ) as from_last
    from transfers as t
    inner join cases as c on c.case_id = t.case_id
    where c.status <> 'anulado'
),
chains as (
    select
        ordered.case_id as case_id,
        ordered.entity_id as entity_id,
        count(*) as traslados,
        sum(
            case
                when ordered.previous_to is not null
                    and ordered.from_entity_id <> ordered.previous_to then 1
                else 0
            end
        ) as origenes_desconectados,
        max(
            case
                when ordered.from_last = 1 and ordered.to_entity_id <> ordered.entity_id then 1
                else 0
            end
        ) as destino_final_distinto,
        max(case when ordered.from_last = 1 then ordered.to_entity_id end) as ultimo_destino,
        max(ordered.transferred_on) as ultimo_traslado
    from ordered
    group by ordered.case_id, ordered.entity_id
)
select
    chains.case_id as case_id,
    chains.entity_id as entity_id,
    chains.ultimo_destino as ultimo_destino,
    chains.traslados as traslados,
    chains.origenes_desconectados as origenes_desconectados,
    chains.destino_final_distinto as destino_final_distinto,
    chains.ultimo_traslado as ultimo_traslado,
    count(*) over () as total
from chains
where chains.origenes_desconectados > 0 or chains.destino_final_distinto = 1
order by chains.case_id
limit :max_rows
