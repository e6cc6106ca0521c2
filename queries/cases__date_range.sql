-- name: cases__date_range
-- grain: one row for the whole cases table (anulado included: it counts for datos_al)
-- params: none
-- Three scalar subqueries rather than one select of three aggregates: each is then answered from
-- its index (min/max of created_on, max of closed_on) on both databases instead of a full scan,
-- and every page run reads them (cac311.analytics.dates).
select
    (select min(c.created_on) from cases as c) as first_created_on,
    (select max(c.created_on) from cases as c) as last_created_on,
    (select max(c.closed_on) from cases as c) as last_closed_on
