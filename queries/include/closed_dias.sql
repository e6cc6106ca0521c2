-- name: closed_dias
-- grain: an expression over `cases as c`: dias of a closed case in the chosen day-count mode (SPEC §3)
-- params: mode
-- calendario: closed_day - created_day; habiles: the working-day ordinals' difference, which is
-- the number of working days d with created_on < d <= closed_on (docs/architecture.md).
        case
            when :mode = 'habiles' then c.closed_bday - c.created_bday
            when :mode = 'calendario' then c.closed_day - c.created_day
        end
