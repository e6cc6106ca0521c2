-- name: batches__summary
-- grain: one row for the whole import_batches table
-- params: none
-- The import stamp of the data: a committed import always adds a batch, so the last batch id
-- changes whenever the figures may have changed.
select
    count(*) as batches,
    max(b.batch_id) as last_batch_id,
    sum(case when b.is_demo then 1 else 0 end) as demo_batches
from import_batches as b
