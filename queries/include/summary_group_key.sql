-- name: summary_group_key
-- grain: an expression over a summary table `as s` joined to `entities as e`: the value a summary row is grouped by
-- params: group_by
-- The summaries' counterpart of group_key.sql, without category (the summaries do not keep it:
-- a breakdown by category reads the cases). Allow-list: cac311.analytics.monthly.SUMMARY_GROUPS.
        case
            when :group_by = 'entity_id' then s.entity_id
            when :group_by = 'sector' then e.sector
            when :group_by = 'case_type' then s.case_type
            when :group_by = 'channel' then s.channel
            when :group_by = 'province' then s.province
            when :group_by = 'none' then 'Total'
        end
