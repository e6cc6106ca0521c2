-- name: transfers__held_histogram
-- grain: one row per origin entity and number of days held, over the transfers out in the date window, anulado excluded
-- params: start_on, end_on, mode, all_entities, entity_ids, all_sectors, sectors, @transfer_cases
-- Days held before transferring out = the transfer's ordinal minus the ordinal of the event that
-- started the holding: the case's previous transfer, or its creation (docs/metrics.md §15), in
-- the mode's ordinals. The window runs only over the cases with a transfer out in the window.
with steps as (
    select
        t.from_entity_id as entity_id,
        t.transferred_on as transferred_on,
        case
            when :mode = 'habiles' then t.transferred_bday
            when :mode = 'calendario' then t.transferred_day
        end
        - coalesce(
            lag(
                case
                    when :mode = 'habiles' then t.transferred_bday
                    when :mode = 'calendario' then t.transferred_day
                end
            ) over (partition by t.case_id order by t.transferred_at, t.transfer_id),
            case
                when :mode = 'habiles' then c.created_bday
                when :mode = 'calendario' then c.created_day
            end
        ) as dias
    -- include: transfer_cases
    and t.case_id in (
        select m.case_id from transfers as m
        where m.transferred_on between :start_on and :end_on
    )
)
select
    steps.entity_id as entidad_id,
    steps.dias as dias,
    count(*) as casos
from steps
where steps.transferred_on between :start_on and :end_on
    and exists (
        select 1
        from entities as e
        where e.entity_id = steps.entity_id
            and (:all_entities or e.entity_id in :entity_ids)
            and (:all_sectors or e.sector in :sectors)
    )
group by steps.entity_id, steps.dias
order by steps.entity_id, steps.dias
