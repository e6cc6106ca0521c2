"""The sidebar filters (SPEC §4) and the URL query string that carries them between pages.

URL parameters: `mes` (YYYY-MM), `dias` (calendario|habiles), `sector`, `entidad`, `tipo`,
`canal`, `provincia` (repeatable), e.g. `/Ranking?mes=2026-10&dias=habiles&sector=municipio`.
A value equal to the default is left out of the URL, so a plain link shows the default view.

How the URL and the widgets stay in step (no `bind="query-params"`: in Streamlit 1.67 a bound
parameter is dropped on a page change when the same widget key is drawn by another page file —
verified in a browser — so the filters would not survive moving between pages):

- When a page is *entered* (first run of a session, or the previous run drew another page), the
  URL wins: each widget's session value is seeded from its parameter. An invalid value (unknown
  entity, malformed month, ...) is dropped with a visible notice, never an exception.
- On reruns within the page the widget wins, and the URL is rewritten to match it.
- The menu links (`guard`) carry the current parameters, so the next page is entered with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from cac311.filters import CaseFilters
from cac311.ui.format import (
    CASE_TYPE_LABELS,
    CHANNEL_LABELS,
    PROVINCE_LABELS,
    SECTOR_LABELS,
    label,
    month_long,
)
from cac311.ui.loaders import FilterOptions
from cac311.ui.safe import SHORT, md, plain
from metrics.period import MODE_ALIASES, DayMode, Month, Period

PARAM_MONTH: Final = "mes"
PARAM_MODE: Final = "dias"
PARAM_SECTOR: Final = "sector"
PARAM_ENTITY: Final = "entidad"
PARAM_CASE_TYPE: Final = "tipo"
PARAM_CHANNEL: Final = "canal"
PARAM_PROVINCE: Final = "provincia"
GLOBAL_PARAMS: Final = (
    PARAM_MONTH,
    PARAM_MODE,
    PARAM_SECTOR,
    PARAM_ENTITY,
    PARAM_CASE_TYPE,
    PARAM_CHANNEL,
    PARAM_PROVINCE,
)
MODE_OPTION_LABELS: Final = {DayMode.CALENDARIO: "Calendario", DayMode.HABILES: "Hábiles"}

_PAGE_KEY: Final = "_filtros_pagina"
_ENTERING_KEY: Final = "_filtros_entrando"
_NOTICES_KEY: Final = "_filtros_avisos"


def widget_key(param: str) -> str:
    return f"filtro_{param}"


@dataclass(frozen=True)
class FilterState:
    """The filters of this page run, as typed hashable values (parsed once, from the URL)."""

    period: Period
    cases: CaseFilters
    default_month: Month

    def link_params(self) -> dict[str, str | list[str]]:
        """The URL parameters of these filters (defaults left out), for menu links."""
        params: dict[str, str | list[str]] = {}
        if self.period.month != self.default_month:
            params[PARAM_MONTH] = str(self.period.month)
        if self.period.mode != DayMode.CALENDARIO:
            params[PARAM_MODE] = self.period.mode.value
        for param, values in (
            (PARAM_SECTOR, self.cases.sectors),
            (PARAM_ENTITY, self.cases.entity_ids),
            (PARAM_CASE_TYPE, self.cases.case_types),
            (PARAM_CHANNEL, self.cases.channels),
            (PARAM_PROVINCE, self.cases.provinces),
        ):
            if values:
                params[param] = list(values)
        return params


def enter_page(page_id: str) -> bool:
    """Record which page this run draws; True when it differs from the previous run's page."""
    entering = st.session_state.get(_PAGE_KEY) != page_id
    st.session_state[_PAGE_KEY] = page_id
    st.session_state[_ENTERING_KEY] = entering
    st.session_state[_NOTICES_KEY] = []
    return entering


def _entering() -> bool:
    return bool(st.session_state.get(_ENTERING_KEY, True))


def notices() -> list[str]:
    """The notices about ignored URL values gathered during this run (Markdown: the URL's
    values in them are escaped, a shared link is attacker-controlled text)."""
    return list(st.session_state.get(_NOTICES_KEY, []))


def _notice(text: str) -> None:
    st.session_state[_NOTICES_KEY] = [*notices(), text]


def _sync_url(param: str, values: Sequence[str]) -> None:
    """Make the URL parameter hold exactly `values` (removed when empty)."""
    wanted = list(values)
    if st.query_params.get_all(param) == wanted:
        return
    if not wanted:
        del st.query_params[param]
    else:
        st.query_params[param] = wanted if len(wanted) > 1 else wanted[0]


def url_choice(
    param: str,
    options: Sequence[str],
    default: str,
    *,
    label_text: str,
    format_func: Callable[[Any], str] = str,
    where: DeltaGenerator | None = None,
    horizontal_radio: bool = False,
    aliases: dict[str, str] | None = None,
    help_text: str | None = None,
) -> str:
    """A single choice kept in the URL parameter `param` (a selectbox, or a horizontal radio)."""
    key = widget_key(param)
    container = where if where is not None else st.container()
    if _entering() or st.session_state.get(key) not in options:
        raw = st.query_params.get(param)
        value = (aliases or {}).get(raw, raw) if raw is not None else None
        if value is not None and value not in options:
            _notice(
                f"Se ignoró «{md(raw, limit=SHORT)}» en el enlace ({md(label_text)}): "
                "no es un valor disponible."
            )
            value = None
        st.session_state[key] = value if value is not None else default
    if horizontal_radio:
        chosen = container.radio(
            label_text, options, key=key, format_func=format_func, horizontal=True, help=help_text
        )
    else:
        chosen = container.selectbox(
            label_text, options, key=key, format_func=format_func, help=help_text
        )
    result = str(chosen)
    _sync_url(param, [] if result == default else [result])
    return result


def url_multi(
    param: str,
    options: Sequence[str],
    *,
    label_text: str,
    format_func: Callable[[Any], str] = str,
    where: DeltaGenerator | None = None,
    placeholder: str = "Todos",
) -> tuple[str, ...]:
    """A multiple choice kept in the repeatable URL parameter `param` (empty = no filter)."""
    key = widget_key(param)
    container = where if where is not None else st.container()
    allowed = set(options)
    if _entering():
        raw = st.query_params.get_all(param)
        unknown = [v for v in raw if v not in allowed]
        if unknown:
            shown_md = ", ".join(f"«{md(v, limit=SHORT)}»" for v in unknown)
            _notice(
                f"Se ignoró {shown_md} en el enlace ({md(label_text)}): no es un valor disponible."
            )
        st.session_state[key] = list(dict.fromkeys(v for v in raw if v in allowed))
    else:
        current = st.session_state.get(key) or []
        st.session_state[key] = [v for v in current if v in allowed]
    chosen = container.multiselect(
        label_text, options, key=key, format_func=format_func, placeholder=placeholder
    )
    values = tuple(str(v) for v in chosen)
    _sync_url(param, values)
    return values


def default_month(months: Sequence[Month], complete_months: Sequence[Month]) -> Month:
    """The latest complete month, else the latest month."""
    return complete_months[-1] if complete_months else months[-1]


def _period_choice(months: Sequence[Month], default: Month) -> Period:
    """The month and day-count mode, parsed once from the chosen options."""
    by_text = {str(m): m for m in months}
    month = url_choice(
        PARAM_MONTH,
        list(reversed(by_text)),
        str(default),
        label_text="Mes",
        format_func=lambda m: month_long(by_text[m]),
        help_text="Mes calendario (hora local de Panamá). Por defecto, el último mes completo.",
    )
    mode = url_choice(
        PARAM_MODE,
        [m.value for m in DayMode],
        DayMode.CALENDARIO.value,
        label_text="Días",
        format_func=lambda m: MODE_OPTION_LABELS[DayMode(m)],
        horizontal_radio=True,
        aliases=MODE_ALIASES,
        help_text="Cómo se cuentan los 30 días del plazo legal: calendario o hábiles "
        "(lunes a viernes sin feriados de Panamá).",
    )
    return Period(by_text[month], DayMode(mode))


def _case_choices(options: FilterOptions) -> CaseFilters:
    """The sector, entity, case type, channel and province filters (empty: no filter)."""
    names = {code: name for code, name, _sector in options.entities}
    return CaseFilters(
        sectors=url_multi(
            PARAM_SECTOR,
            options.sectors,
            label_text="Sector",
            format_func=lambda s: plain(label(SECTOR_LABELS, s), limit=SHORT),
        ),
        entity_ids=url_multi(
            PARAM_ENTITY,
            [code for code, _name, _sector in options.entities],
            label_text="Entidad",
            format_func=lambda c: plain(f"{c} · {names.get(c, '')}", limit=SHORT),
            placeholder="Todas",
        ),
        case_types=url_multi(
            PARAM_CASE_TYPE,
            options.case_types,
            label_text="Tipo de caso",
            format_func=lambda t: label(CASE_TYPE_LABELS, t),
        ),
        channels=url_multi(
            PARAM_CHANNEL,
            options.channels,
            label_text="Canal",
            format_func=lambda c: plain(label(CHANNEL_LABELS, c), limit=SHORT),
        ),
        provinces=url_multi(
            PARAM_PROVINCE,
            options.provinces,
            label_text="Provincia o comarca",
            format_func=lambda p: label(PROVINCE_LABELS, p),
            placeholder="Todas",
        ),
    )


def sidebar_filters(
    options: FilterOptions,
    months: Sequence[Month],
    default: Month,
    where: DeltaGenerator,
) -> FilterState:
    """Draw the filters into `where` (the sidebar) and return their values.

    `months` ascending (available months); the selector lists them newest first. The URL's
    text is checked against the options here and parsed into a `Period` once.
    """
    with where:
        st.markdown("**Periodo y filtros**")
        period = _period_choice(months, default)
        cases = _case_choices(options)
    return FilterState(period=period, cases=cases, default_month=default)
