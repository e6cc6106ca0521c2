-- name: quality__same_minute_closures
-- grain: one row per entity with cases closed in the date window, anulado excluded
-- params: start_on, end_on
-- SQLite text of queries/quality__same_minute_closures.sql. Timestamps are stored as text
-- 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC), so they compare as strings; created_at plus 60
-- seconds is written in the same layout (milliseconds, SQLite's own precision).
select
    c.entity_id as entidad_id,
    e.name as entidad,
    count(*) as cerrados,
    sum(
        case
            when c.closed_at < strftime('%Y-%m-%d %H:%M:%f', c.created_at, '+60 seconds')
                then 1
            else 0
        end
    ) as mismo_minuto
from cases as c
inner join entities as e on e.entity_id = c.entity_id
where c.status <> 'anulado'
    and c.closed_on between :start_on and :end_on
group by c.entity_id, e.name
order by c.entity_id
