-- name: summaries__state
-- grain: one row when the monthly summaries are built (none otherwise)
-- params: none
-- The legal limit the summaries' cohort and overdue counts were computed for
-- (cac311.db.summaries.LIMIT_KEY); the analytics read the summaries only for that limit.
select
    a.value as value
from app_settings as a
where a.key = 'resumenes_limite_dias'
