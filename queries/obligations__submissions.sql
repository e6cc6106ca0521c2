-- name: obligations__submissions
-- grain: one row per submission (review or press release) of the given entities
-- params: entity_ids, all_statuses, statuses, since
-- Received at or after the `since` parameter (naive UTC). Never the attachment's bytes: only its id and name.
select
    'review' as tipo,
    s.submission_id as submission_id,
    s.entity_id as entidad_id,
    e.name as entidad,
    s.item as item,
    cast(null as varchar(500)) as titulo,
    s.sin_cambios as sin_cambios,
    s.description as texto,
    cast(null as timestamp) as media_at,
    s.attachment_id as attachment_id,
    a.file_name as adjunto,
    s.replaces_id as replaces_id,
    s.submitted_by as submitted_by,
    s.submitted_at as submitted_at,
    s.status as status,
    s.decided_by as decided_by,
    s.decided_at as decided_at,
    s.return_reason as return_reason,
    case
        when exists (select 1 from obligation_reviews as n where n.replaces_id = s.submission_id)
        then 1
        else 0
    end as corregido
from obligation_reviews as s
inner join entities as e on e.entity_id = s.entity_id
left join obligation_attachments as a on a.attachment_id = s.attachment_id
where s.entity_id in :entity_ids
    and (:all_statuses or s.status in :statuses)
    and s.submitted_at >= :since
union all
select
    'release' as tipo,
    s.submission_id as submission_id,
    s.entity_id as entidad_id,
    e.name as entidad,
    cast(null as varchar(30)) as item,
    s.title as titulo,
    cast(null as boolean) as sin_cambios,
    s.body as texto,
    s.media_at as media_at,
    s.attachment_id as attachment_id,
    a.file_name as adjunto,
    s.replaces_id as replaces_id,
    s.submitted_by as submitted_by,
    s.submitted_at as submitted_at,
    s.status as status,
    s.decided_by as decided_by,
    s.decided_at as decided_at,
    s.return_reason as return_reason,
    case
        when exists (select 1 from obligation_releases as n where n.replaces_id = s.submission_id)
        then 1
        else 0
    end as corregido
from obligation_releases as s
inner join entities as e on e.entity_id = s.entity_id
left join obligation_attachments as a on a.attachment_id = s.attachment_id
where s.entity_id in :entity_ids
    and (:all_statuses or s.status in :statuses)
    and s.submitted_at >= :since
order by submitted_at, tipo, submission_id
