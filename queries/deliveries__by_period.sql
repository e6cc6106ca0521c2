-- name: deliveries__by_period
-- grain: one row per report e-mail (kind, period, recipient) of one month
-- params: period
select
    d.kind as kind,
    d.period as period,
    d.recipient as recipient,
    d.entity_id as entity_id,
    d.status as status,
    d.attempts as attempts,
    d.error as error,
    d.claimed_at as claimed_at,
    d.sent_at as sent_at
from deliveries as d
where d.period = :period
order by d.kind, d.recipient
