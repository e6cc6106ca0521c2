-- name: quality__import_warnings_by_code
-- grain: one row per warning code and field (of one batch, or of every batch)
-- params: all_batches, batch_id
-- A warning is a descriptive value of an imported case stored differently from the file
-- (unknown province or invalid sla_days stored as missing, text cut, NUL removed).
select
    w.code as code,
    w.field as field,
    count(*) as valores
from import_warnings as w
where (:all_batches or w.batch_id = :batch_id)
group by w.code, w.field
order by count(*) desc, w.code, w.field
