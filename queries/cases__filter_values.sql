-- name: cases__filter_values
-- grain: one row per combination of case type, channel and province present in the cases, anulado excluded
-- params: none
-- The sidebar's choices in ONE pass over the cases (it used to take three grouped scans, one per
-- column). The combinations are few (types x channels x provinces), the caller takes the distinct
-- values of each column.
select
    c.case_type as case_type,
    c.channel as channel,
    c.province as province
from cases as c
where c.status <> 'anulado'
group by c.case_type, c.channel, c.province
