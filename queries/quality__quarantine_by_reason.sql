-- name: quality__quarantine_by_reason
-- grain: one row per quarantine reason (of one batch, or of every batch)
-- params: all_batches, batch_id
select
    q.reason as reason,
    count(*) as filas
from quarantine as q
where (:all_batches or q.batch_id = :batch_id)
group by q.reason
order by count(*) desc, q.reason
