-- name: cases__received_by_month
-- grain: one row per group and month received (created_month), anulado excluded
-- params: start_on, end_on, group_by, mode, legal_limit, all_entities, entity_ids, all_sectors, sectors, all_case_types, case_types, all_channels, channels, all_provinces, provinces
-- The cohort: every case received in the month, and how many of them are closed (as known now,
-- i.e. at datos_al) within the legal limit in the chosen day-count mode.
with received_cases as (
    select
        case
            when :group_by = 'entity_id' then c.entity_id
            when :group_by = 'sector' then e.sector
            when :group_by = 'case_type' then c.case_type
            when :group_by = 'channel' then c.channel
            when :group_by = 'province' then c.province
            else 'Total'
        end as grupo,
        c.created_month as mes,
        case
            when c.closed_on is null then 0
            when (
                case
                    when :mode = 'habiles' then c.closed_bday - c.created_bday
                    else c.closed_day - c.created_day
                end
            ) <= :legal_limit then 1
            else 0
        end as en_plazo
    from cases as c
    inner join entities as e on e.entity_id = c.entity_id
    where c.status <> 'anulado'
        and c.created_on between :start_on and :end_on
        and (:all_entities or c.entity_id in :entity_ids)
        and (:all_sectors or e.sector in :sectors)
        and (:all_case_types or c.case_type in :case_types)
        and (:all_channels or c.channel in :channels)
        and (:all_provinces or c.province in :provinces)
)
select
    received_cases.grupo as grupo,
    received_cases.mes as mes,
    count(*) as recibidos,
    sum(received_cases.en_plazo) as cohorte_en_plazo
from received_cases
group by received_cases.grupo, received_cases.mes
order by received_cases.grupo, received_cases.mes
