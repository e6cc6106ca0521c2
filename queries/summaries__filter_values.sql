-- name: summaries__filter_values
-- grain: one row per combination of case type, channel and province present in the cases, anulado excluded
-- params: none
-- Same rows as queries/cases__filter_values.sql, from `summary_values` (kept with the summaries:
-- a few hundred rows instead of a scan of every case).
select
    v.case_type as case_type,
    v.channel as channel,
    v.province as province
from summary_values as v
