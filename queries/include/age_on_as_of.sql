-- name: age_on_as_of
-- grain: an expression over `cases as c`: the age of an open case on the reference date X in the chosen day-count mode (SPEC §3)
-- params: mode, as_of_ordinal
-- X's ordinal in the mode is computed by the caller (cac311.analytics.common.ordinal).
        case
            when :mode = 'habiles' then :as_of_ordinal - c.created_bday
            when :mode = 'calendario' then :as_of_ordinal - c.created_day
        end
