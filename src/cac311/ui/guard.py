"""The page guard: the first statement of `app.py` and of every file in `pages/`.

`ctx = page_setup(PAGE)` does, in this order, on every run of every page:

1. page config (title, wide layout);
2. the database: the embedded SQLite file is migrated and, when empty, filled with demo data
   once (with progress); an unmigrated PostgreSQL database gets instructions, never a fill;
3. the sign-in gate (`cac311.auth.session.sign_in_gate`): OIDC, local accounts or the demo
   role picker — it `st.stop()`s until someone is signed in;
4. the role-filtered menu (`st.page_link`, carrying the current filters in the URL);
5. the role check: a page the role may not see stops here with a message and no data;
6. the sidebar filters (kept in the URL) and the header with the "Datos al" stamp.

Because every page starts here, a deep link or a tampered URL cannot skip sign-in or the role
check (STACK_NOTES §1: `pages/` without `st.navigation`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Final

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from cac311.analytics.dates import DataFacts
from cac311.auth.identity import ROLE_LABELS, ROLES, Identity, Role
from cac311.auth.session import sign_in_gate, sign_out_control
from cac311.config import Settings
from cac311.errors import UserError
from cac311.ui import bootstrap, loaders
from cac311.ui.errors import stop_on_error
from cac311.ui.filters import (
    GLOBAL_PARAMS,
    FilterState,
    default_month,
    enter_page,
    notices,
    sidebar_filters,
)
from cac311.ui.format import DEMO_BADGE, MODE_LABELS, datos_al_text, month_title
from cac311.ui.loaders import FilterOptions, Source
from cac311.ui.safe import md
from metrics.period import DayMode, Month, Period

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """One entry of the menu: its script (relative to app.py), label, icon and allowed roles."""

    path: str
    label: str
    icon: str
    roles: tuple[Role, ...] = ROLES
    uses_filters: bool = True
    # False: the page still opens on a database without cases (with a neutral context whose
    # month is ""), because it is where one finds out why (Calidad de datos) or fixes it.
    needs_cases: bool = True


RESUMEN: Final = Page("app.py", "Resumen", ":material/dashboard:")
RANKING: Final = Page("pages/1_Ranking.py", "Ranking", ":material/leaderboard:")
ENTIDAD: Final = Page("pages/2_Entidad.py", "Entidad", ":material/account_balance:")
TENDENCIAS: Final = Page("pages/3_Tendencias.py", "Tendencias", ":material/trending_up:")
DIRECTORIO: Final = Page(
    "pages/4_Directorio_y_comunicados.py", "Directorio y comunicados", ":material/contact_phone:"
)
PUBLICACION: Final = Page(
    "pages/5_Publicacion.py",
    "Publicación",
    ":material/publish:",
    roles=("admin", "director", "asesor"),
)
CALIDAD: Final = Page(
    "pages/6_Calidad_de_datos.py",
    "Calidad de datos",
    ":material/fact_check:",
    roles=("admin",),
    needs_cases=False,
)
IMPORTAR: Final = Page(
    "pages/7_Importar.py",
    "Importar datos",
    ":material/upload_file:",
    roles=("admin",),
    uses_filters=False,
    needs_cases=False,
)
# The circular's obligations (issue 14): the enlace's submissions, the asesor's work queue.
# They show no cases, so they open on a database without cases too.
OBLIGACIONES: Final = Page(
    "pages/8_Mis_obligaciones.py",
    "Mis obligaciones",
    ":material/assignment_turned_in:",
    roles=("enlace",),
    uses_filters=False,
    needs_cases=False,
)
VALIDACION: Final = Page(
    "pages/9_Validacion.py",
    "Validación",
    ":material/rule:",
    roles=("asesor",),
    uses_filters=False,
    needs_cases=False,
)
# Transfers and who owns a breach (issue 16): every role, like Tendencias; an enlace or asesor
# sees only the transfers of their own entities (ui/views/transfers.scoped_filters).
TRASLADOS: Final = Page("pages/10_Traslados.py", "Traslados", ":material/swap_horiz:")
PAGES: Final[tuple[Page, ...]] = (
    RESUMEN,
    RANKING,
    ENTIDAD,
    TENDENCIAS,
    TRASLADOS,
    DIRECTORIO,
    PUBLICACION,
    CALIDAD,
    IMPORTAR,
    OBLIGACIONES,
    VALIDACION,
)


@dataclass(frozen=True)
class PageContext:
    """What a page body needs: who is looking, which data, and the chosen filters.

    `filters` is None only on a page that opens without cases (Calidad de datos, Importar)."""

    page: Page
    identity: Identity
    source: Source
    options: FilterOptions
    filters: FilterState | None

    @property
    def url(self) -> str:
        return self.source.url

    @property
    def settings(self) -> Settings:
        return self.source.settings

    @property
    def facts(self) -> DataFacts:
        return self.source.facts

    @property
    def datos_al(self) -> date:
        assert self.facts.datos_al is not None  # page_setup stops on an empty database
        return self.facts.datos_al

    @property
    def chosen(self) -> FilterState:
        """The sidebar's filters (a page that `needs_cases` always has them)."""
        assert self.filters is not None, f"{self.page.path} has no filters"
        return self.filters

    @property
    def period(self) -> Period:
        return self.chosen.period

    @property
    def month(self) -> Month:
        return self.period.month

    @property
    def mode(self) -> DayMode:
        return self.period.mode

    @property
    def partial(self) -> bool:
        """True when the chosen month is not complete at datos_al (SPEC §3)."""
        return self.filters is not None and not self.month.is_complete(self.facts.datos_al)

    def stamp(self) -> None:
        """The caption every panel carries: "Datos al dd/mm/aaaa" (+ partial month, mode).

        A page without filters (no month chosen) gets only "Datos al dd/mm/aaaa"."""
        parts = [datos_al_text(self.facts.datos_al)]
        if self.filters is not None:
            parts.append(month_title(self.month, self.partial))
            parts.append(MODE_LABELS[self.mode])
        st.caption(" · ".join(parts))


def _prepare_database(url: str, settings: Settings) -> None:
    """Embedded SQLite: migrate and fill with demo data once. PostgreSQL: only check."""
    if bootstrap.is_sqlite(url):
        if bootstrap.already_prepared(url):
            return
        if bootstrap.embedded_needs_fill(url):
            with st.status("Preparando la base de datos de demostración…", expanded=True) as box:
                box.write(
                    f"Generando {settings.demo_cases:,} casos ficticios (solo la primera vez)."
                )
                summary = bootstrap.prepare_embedded(url, settings)
                loaders.clear_all()
                box.update(label="Datos de demostración listos", state="complete", expanded=False)
                if summary is not None:
                    log.info("first start: %s", summary)
        else:
            bootstrap.prepare_embedded(url, settings)
        return
    if not loaders.schema_ready(url):
        st.title("Tablero 311")
        st.warning("La base de datos no tiene el esquema del Tablero 311.")
        st.markdown(bootstrap.SETUP_HINT)
        st.stop()


def _menu(identity: Identity, link_params: dict[str, str | list[str]]) -> None:
    # Every link carries the filters, also to a page that draws none (the upload): that page's
    # menu passes them on from its URL, so the filters survive a visit to it.
    st.markdown("### Tablero 311")
    for page in PAGES:
        if identity.role in page.roles:
            st.page_link(
                page.path,
                label=page.label,
                icon=page.icon,
                query_params=link_params,
            )


def _empty_database_notice(facts: DataFacts, *, setup_hint: bool = True) -> None:
    st.info(
        "La base de datos aún no tiene casos. "
        + (
            "Se registraron importaciones, pero ninguna trajo casos válidos: revise "
            "«Calidad de datos»."
            if facts.has_batches
            else "Importe datos o genere datos de demostración."
        )
    )
    if setup_hint:
        st.markdown(bootstrap.SETUP_HINT)


def _link_params_from_url() -> dict[str, str | list[str]]:
    """The filter parameters of the current URL, for pages that draw no filters."""
    params: dict[str, str | list[str]] = {}
    for name in GLOBAL_PARAMS:
        values = st.query_params.get_all(name)
        if values:
            params[name] = values if len(values) > 1 else values[0]
    return params


def _open_source(url: str) -> tuple[Identity, Source, FilterOptions | None]:
    """Settings, the prepared database, who is signed in, the data's facts and the sidebar's
    options — or one Spanish line and a stop."""
    try:
        settings = Settings.from_env()
    except UserError as exc:
        lines_md = "\n\n".join(md(line) for line in str(exc).splitlines() if line.strip())
        st.error(f"La configuración del Tablero 311 no es válida:\n\n{lines_md}")
        st.stop()
    with stop_on_error("abrir la base de datos"):
        _prepare_database(url, settings)
        identity = sign_in_gate(url)
        source = Source(url, settings, loaders.current_facts(url))
        options = loaders.filter_options(source) if source.facts.has_cases else None
    return identity, source, options


def _sidebar(
    menu: DeltaGenerator, identity: Identity, facts: DataFacts, filters: FilterState | None
) -> None:
    """The role-filtered menu (in `menu`, above the filters), the demo badge, and below the
    filters who is signed in."""
    with menu:
        _menu(identity, filters.link_params() if filters else _link_params_from_url())
        if facts.is_demo:
            st.caption(f":orange-badge[:material/science: {DEMO_BADGE}]")
    sign_out_control(identity)
    if identity.via == "demo":
        st.sidebar.caption(f"Viendo como: {md(identity.scope_label)}")


def page_setup(page: Page, *, subtitle: str = "") -> PageContext:
    """Run the guard for `page` (see the module docstring); returns the page's context."""
    st.set_page_config(
        page_title=f"{page.label} · Tablero 311",
        page_icon=":material/analytics:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    identity, source, options = _open_source(bootstrap.database_url())
    facts = source.facts
    menu = st.sidebar.container()
    enter_page(page.path)
    allowed = identity.role in page.roles
    filters: FilterState | None = None
    if allowed and page.uses_filters and options is not None and facts.months:
        default = default_month(facts.months, facts.dates.complete_months)
        filters = sidebar_filters(options, facts.months, default, st.sidebar)
    _sidebar(menu, identity, facts, filters)
    if facts.is_demo:
        st.markdown(f":orange-badge[:material/science: {DEMO_BADGE}]")
    st.title(page.label)
    if subtitle:
        st.caption(subtitle)
    if not allowed:
        roles_md = " o ".join(ROLE_LABELS[r] for r in page.roles)
        st.error(f"Esta página es solo para: {roles_md}. Su rol no tiene acceso a ella.")
        st.stop()
    for text in notices():
        st.warning(text, icon=":material/link_off:")
    if filters is None:
        if page.needs_cases:
            _empty_database_notice(facts)
            st.stop()
        # A page that opens without cases (upload, data quality) gets a context without
        # filters, and the same notice when there are no cases yet (but no stop).
        if not facts.has_cases:
            _empty_database_notice(facts, setup_hint=False)
    return PageContext(
        page=page,
        identity=identity,
        source=source,
        options=options or FilterOptions(),
        filters=filters,
    )
