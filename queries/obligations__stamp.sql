-- name: obligations__stamp
-- grain: one row for the obligation tables
-- params: none
-- Changes whenever an enlace submits (a new row; rows are never deleted) or an asesor decides
-- (decided_at): part of the data's stamp (cac311.analytics.dates.DataFacts), so no cached figure
-- outlives a submission, in any server process.
select
    (select count(*) from obligation_reviews as r) as reviews,
    (select count(*) from obligation_releases as p) as releases,
    (select max(r.decided_at) from obligation_reviews as r) as last_review_decision,
    (select max(p.decided_at) from obligation_releases as p) as last_release_decision
