"""The analytics API: SQL aggregates (`queries/`) turned into the figures of SPEC §3 (`metrics`).

One module per family of aggregates, each a set of functions with keyword-only arguments that
take the engine (and the settings, when a rule of SPEC §3 needs them) first and never read the
clock or the data's dates themselves — the caller reads those once (`dates.data_facts`) and passes
them, so a page's figures and its "Datos al" stamp always come from the same state of the data:

- `dates`      the data's dates (datos_al, months with data) and the import stamp;
- `monthly`    received / closed / open-at-month-end aggregates → publication table, ranking,
               trends, MoM/YoY deltas, breakdowns (one SQL family, one group-by allow-list),
               read from the monthly summaries when they can answer (`cac311.db.summaries`);
- `open_cases` age on a date: aging buckets and the case lists an enlace acts on;
- `closures`   cases closed in a month: distribution of days, service SLA clock, same-minute
               closures;
- `survival`   time to close including open cases: Kaplan–Meier per entity over the cohort
               window (open cases censored at datos_al, docs/metrics.md §17);
- `directory`  directory freshness, stale-and-breaching entities, press-release anticipation;
- `imports`    import batches and quarantine;
- `early_warning` early-warning flags per entity on the monthly family's índice (§16).
"""
