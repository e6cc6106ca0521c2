-- name: cases__open_at_month_end
-- grain: one row per group and month end (fin_mes) with any open case, anulado excluded
-- params: end_dates, first_end_on, last_end_on, group_by, mode, legal_limit, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- Open at E: created_on <= E and (closed_on null or closed_on > E). Overdue: open at E with age
-- on E (E's ordinal from the calendar minus the case's created ordinal) above the legal limit.
-- A case closed in the month it was created is open at no month end (created after the previous
-- end, closed by its own): leaving those out before the join to the month ends drops ~60 % of
-- the rows of a 13-month window (0.51 s -> 0.38 s at 1M cases; docs/benchmarks.md).
with month_ends as (
    select
        cal.dia as fin_mes,
        cal.day_num as end_day,
        cal.bday_num as end_bday
    from calendar as cal
    where cal.dia in :end_dates
),
open_cases as (
    select
        case
            when :group_by = 'entity_id' then c.entity_id
            when :group_by = 'sector' then e.sector
            when :group_by = 'case_type' then c.case_type
            when :group_by = 'channel' then c.channel
            when :group_by = 'province' then c.province
            else 'Total'
        end as grupo,
        month_ends.fin_mes as fin_mes,
        case
            when :mode = 'habiles' then month_ends.end_bday - c.created_bday
            else month_ends.end_day - c.created_day
        end as edad
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    inner join month_ends
        on c.created_day <= month_ends.end_day
        and (c.closed_day is null or c.closed_day > month_ends.end_day)
    where c.status <> 'anulado'
        and c.created_on <= :last_end_on
        and (c.closed_on is null or c.closed_on > :first_end_on)
        and (c.closed_month is null or c.closed_month > c.created_month)
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
)
select
    open_cases.grupo as grupo,
    open_cases.fin_mes as fin_mes,
    count(*) as abiertos_fin_mes,
    sum(case when open_cases.edad > :legal_limit then 1 else 0 end) as vencidos_fin_mes
from open_cases
group by open_cases.grupo, open_cases.fin_mes
order by open_cases.grupo, open_cases.fin_mes
