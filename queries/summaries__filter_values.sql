-- name: summaries__filter_values
-- grain: one row per combination of case type, channel and province present in the cases, anulado excluded
-- params: none
-- Same rows as queries/cases__filter_values.sql: every non-anulado case is counted in the detail
-- row of its month received, so the detail rows hold every combination (thousands of rows
-- instead of one scan of every case).
select
    s.case_type as case_type,
    s.channel as channel,
    s.province as province
from summary_received as s
where s.detalle = true
group by s.case_type, s.channel, s.province
