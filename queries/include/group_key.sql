-- name: group_key
-- grain: an expression over `cases as c` joined to `entities as e`: the value a case is grouped by
-- params: group_by
-- The group-by column is chosen by the value of the group_by parameter among the columns written
-- here (cac311.analytics.monthly.GROUP_BY_COLUMNS, checked by a test): no identifier ever comes
-- from the caller. 'none' puts every case in one group, 'Total'; a missing value is null.
        case
            when :group_by = 'entity_id' then c.entity_id
            when :group_by = 'sector' then e.sector
            when :group_by = 'case_type' then c.case_type
            when :group_by = 'category' then c.category
            when :group_by = 'channel' then c.channel
            when :group_by = 'province' then c.province
            when :group_by = 'none' then 'Total'
        end
