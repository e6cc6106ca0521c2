-- name: quality__import_warnings_rows
-- grain: one row per warning of one batch
-- params: batch_id
-- original holds one value the import read (a descriptive field: never citizen personal data).
select
    w.line_number as line_number,
    w.record_id as record_id,
    w.field as field,
    w.code as code,
    w.original as original,
    w.stored as stored
from import_warnings as w
where w.batch_id = :batch_id
order by w.line_number, w.field, w.warning_id
