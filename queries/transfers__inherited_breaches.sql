-- name: transfers__inherited_breaches
-- grain: one row per entity that held, after receiving them by transfer, cases that became vencidos in the ordinal window, anulado excluded
-- params: mode, limit_days, min_days_left, breach_after, breach_until, as_of_ordinal, created_from, created_until, all_entities, entity_ids, all_sectors, sectors, @transfer_cases
-- A case becomes vencido on the day whose ordinal is created + L + 1 (its dias exceed L), if it
-- was not closed before: that ordinal <= closed (or datos_al for an open case). Its holder then
-- is the destination of its last transfer made while dias <= L (ties: transferred_at, then
-- transfer_id); days left at that reception = L - (transfer - created). A breach with days left
-- < K is `vencidos_heredados` (docs/metrics.md §15). The caller gives the month's ordinals as
-- (breach_after, breach_until] and datos_al's as as_of_ordinal, in the mode, and a generous
-- window of creation dates that holds every such case (created_from, created_until), so the
-- cases are reached through their created_on index; the ordinal conditions stay exact.
with steps as (
    select
        t.case_id as case_id,
        t.to_entity_id as entity_id,
        case
            when :mode = 'habiles' then t.transferred_bday - c.created_bday
            when :mode = 'calendario' then t.transferred_day - c.created_day
        end as age,
        row_number() over (
            partition by t.case_id order by t.transferred_at desc, t.transfer_id desc
        ) as recency
    -- include: transfer_cases
    and c.created_on between :created_from and :created_until
    and case
        when :mode = 'habiles' then t.transferred_bday - c.created_bday
        when :mode = 'calendario' then t.transferred_day - c.created_day
    end <= :limit_days
    and case
        when :mode = 'habiles' then c.created_bday
        when :mode = 'calendario' then c.created_day
    end + :limit_days + 1 > :breach_after
    and case
        when :mode = 'habiles' then c.created_bday
        when :mode = 'calendario' then c.created_day
    end + :limit_days + 1 <= :breach_until
    and case
        when :mode = 'habiles' then c.created_bday
        when :mode = 'calendario' then c.created_day
    end + :limit_days + 1 <= coalesce(
        case
            when :mode = 'habiles' then c.closed_bday
            when :mode = 'calendario' then c.closed_day
        end,
        :as_of_ordinal
    )
)
select
    steps.entity_id as entidad_id,
    count(*) as vencidos_recibidos_traslado,
    sum(case when :limit_days - steps.age < :min_days_left then 1 else 0 end) as vencidos_heredados
from steps
where steps.recency = 1
    and exists (
        select 1
        from entities as e
        where e.entity_id = steps.entity_id
            and (:all_entities or e.entity_id in :entity_ids)
            and (:all_sectors or e.sector in :sectors)
    )
group by steps.entity_id
order by steps.entity_id
