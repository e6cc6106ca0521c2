-- name: batches__list
-- grain: one row per import batch
-- params: none
select
    b.batch_id as batch_id,
    b.kind as kind,
    b.source_name as source_name,
    b.source_sha256 as source_sha256,
    b.started_at as started_at,
    b.finished_at as finished_at,
    b.imported_by as imported_by,
    b.rows_read as rows_read,
    b.inserted as inserted,
    b.updated as updated,
    b.unchanged as unchanged,
    b.quarantined as quarantined,
    b.warnings as warnings,
    b.is_demo as is_demo
from import_batches as b
order by b.started_at desc, b.batch_id desc
