-- name: survival__cohort_histogram
-- grain: one row per entity and day count of the cases received in the window (anulado excluded): closed cases at their dias, open cases at their age on datos_al
-- params: start_on, end_on, @closed_dias, @age_on_as_of, @filtered_cases
-- The Kaplan-Meier histogram (docs/metrics.md section 17): a closed case is an event at its dias,
-- an open case is censored at its age on datos_al (as_of_ordinal, computed by the caller), both
-- in the chosen day-count mode. Only counts leave the database.
with cohort as (
    select
        c.entity_id as entity_id,
        case
            when c.closed_on is null then (
                -- include: age_on_as_of
            )
            else (
                -- include: closed_dias
            )
        end as dias,
        case when c.closed_on is null then 0 else 1 end as cerrado
    -- include: filtered_cases
        and c.created_on between :start_on and :end_on
)
select
    cohort.entity_id as entidad_id,
    cohort.dias as dias,
    sum(cohort.cerrado) as cerrados,
    sum(1 - cohort.cerrado) as abiertos
from cohort
group by cohort.entity_id, cohort.dias
order by cohort.entity_id, cohort.dias
