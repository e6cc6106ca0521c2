-- name: quality__quarantine_rows
-- grain: one row per quarantined input row of one batch
-- params: batch_id
-- raw_row holds only the source columns the import read (no citizen personal data).
select
    q.line_number as line_number,
    q.reason as reason,
    q.detail as detail,
    q.raw_row as raw_row
from quarantine as q
where q.batch_id = :batch_id
order by q.line_number, q.quarantine_id
