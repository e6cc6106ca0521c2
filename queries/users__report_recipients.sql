-- name: users__report_recipients
-- grain: one row per active user who receives a monthly report (enlace, director or admin)
-- params: none
-- E-mails are data: the mailer checks each one before it becomes a header.
select
    u.email as email,
    u.role as role,
    u.entity_id as entity_id
from users as u
where u.active = true
    and u.role in ('enlace', 'director', 'admin')
order by u.role, u.email
