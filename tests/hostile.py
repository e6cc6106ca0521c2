"""Hostile values, and a database full of them imported through the real importer (issue 18).

`CORPUS` holds one value per attack on the renderers: Markdown, HTML, Streamlit's
`:material/…:` and `:colour[…]` shortcodes, emoji, LaTeX, autolinks, block syntax,
typographic rewrites, very long strings, right-to-left and zero-width characters.

`build_hostile_database(engine)` imports entities, cases, directory reviews and press releases
whose ids, names, categories, channels, districts, release ids and titles are such values, a
cases file with a hostile name whose rejected rows put hostile text in the quarantine (detail
and raw row), and creates local accounts with hostile e-mails (an admin, a director and an
enlace of a hostile entity). Everything goes through `cac311.ingest.importer.import_bytes` and
`cac311.auth.users.add_user`, as an administrator's upload and `cac311 users add` would.

The month shown by default is `DEFAULT_MONTH` (the last complete month at `DATOS_AL`); every
hostile entity has enough evaluated cases in it to be ranked, vencidos, releases without
anticipation and reviews, so every page shows its values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine

from cac311.auth import users
from cac311.config import Settings
from cac311.ingest.importer import import_bytes
from cac311.obligations import store
from cac311.obligations.attachments import check_attachment
from tests.auth.helpers import PASSWORD

LINK = "[x](https://evil.example/phish)"
IMG = "<img src=x onerror=alert(1)>"
CORPUS: dict[str, str] = {
    "issue": f"**negrita** [x](javascript:alert(1)) {IMG}",
    "markdown": f"**negrita** _cursiva_ ~~tachado~~ `código` {LINK} ![i](https://evil.example/i.png)",
    "html": '<b>b</b><script>alert(1)</script><a href="https://evil.example">a</a>&amp;&lt;',
    "shortcodes": ":material/home: :red[rojo] :orange-badge[insignia] :streamlit: :help[ayuda]",
    "emoji": ":smile: :+1: :material_warning: 10:30:45",
    "latex": r"$x^2$ y $$\int_0^1 f$$ \(z\)",
    "autolinks": "https://evil.example www.evil.example correo@evil.example mailto:a@b.co",
    "blocks": "# Título\n- lista\n> cita\n1. uno\n| a | b |\n|---|---|\n    código\n***",
    "arrows": "a -> b <- c -- d >= e <= f ~= g <-> h",
    "plotly": "<br><span style='color:red'>rojo</span><a href='https://evil.example'>a</a> %{y}",
    "right_to_left": "\u202eodacifilpmoc\u202c وزارة الصحة \u2067aislado",
    "zero_width": "MIN\u200bSA\u200c\u200d\ufeff\u2060",
    "long": "Entidad" + "X" * 293,
    "long_words": "palabra " * 37,
}

DATOS_AL = date(2026, 10, 5)
DEFAULT_MONTH = "2026-09"


@dataclass(frozen=True)
class HostileEntity:
    entity_id: str
    name: str
    sector: str


ENTITIES: tuple[HostileEntity, ...] = (
    HostileEntity("**EV**[y](https://evil.example)$x$", CORPUS["issue"], "ministerio"),
    HostileEntity(
        "<b>B</b>:red[R]:material/home:",
        (CORPUS["right_to_left"] + " " + CORPUS["long"])[:300],
        "municipio",
    ),
    HostileEntity("www.evil.example", CORPUS["emoji"] + " " + CORPUS["latex"], "otro"),
    HostileEntity("MINSA", "Ministerio de Salud", "ministerio"),
    HostileEntity("MOP", "Ministerio de Obras Públicas", "ministerio"),
)
ENLACE_ENTITY = ENTITIES[0].entity_id
CATEGORIES: tuple[str, ...] = (
    CORPUS["markdown"][:200],
    CORPUS["html"],
    CORPUS["shortcodes"],
    (CORPUS["zero_width"] + " " + CORPUS["long_words"])[:200],
    CORPUS["plotly"],
)
CHANNELS: tuple[str, ...] = ("__negrita__", "llamada", "web")  # channels are [a-z0-9_]
DISTRICTS: tuple[str, ...] = (CORPUS["arrows"], CORPUS["autolinks"][:120], CORPUS["blocks"])
RELEASE_TITLES: tuple[str, ...] = (CORPUS["markdown"], CORPUS["latex"], CORPUS["right_to_left"])
FILE_NAME = "**lote** [x](javascript:alert(1)) <img src=x onerror=alert(1)> $x$ :red[r].csv"
USERS: dict[str, str] = {
    "admin": "**adm**:red[x]$y$<b>@evil.example",
    "director": "director@aig.gob.pa",
    "enlace": "[enlace](https:evil.example)@evil.example",
    "asesor": "_asesor_*de*_`calidad`@evil.example",
}
# Hostile values in rejected rows: an unknown entity and an unreadable date quote them in the
# quarantine's detail, and the raw row keeps them all.
REJECTED_ENTITY = f"<b>NOPE</b>{LINK}"[:40]
REJECTED_DATE = ":red[fecha] $1$ **hoy**"


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _cases() -> list[list[object]]:
    """40 cases per entity: closed in September in and out of term, open and overdue on
    30/09, created from July to the cutoff (one on DATOS_AL fixes datos_al)."""
    rows: list[list[object]] = []
    start = datetime(2026, 7, 1, 9, 0)
    for e, entity in enumerate(ENTITIES):
        for i in range(40):
            created = start + timedelta(days=(i * 2 + e) % 80, hours=i % 7)
            kind = i % 4
            closed: datetime | None
            if kind == 0:
                closed = None  # open: overdue at the month end when created before September
            elif kind == 1:
                closed = max(created + timedelta(days=5), datetime(2026, 9, 2, 10))
            else:
                closed = datetime(2026, 9, 3 + i % 25, 15)
            if closed is not None and closed < created:
                closed = created + timedelta(hours=3)
            rows.append(
                [
                    f"H-{e}-{i:03d}",
                    entity.entity_id,
                    ("queja", "reclamo", "solicitud")[i % 3],
                    _iso(created),
                    _iso(closed) if closed else None,
                    CATEGORIES[(i + e) % len(CATEGORIES)],
                    CHANNELS[i % len(CHANNELS)],
                    ("PA-8", "PA-3", None)[i % 3],
                    DISTRICTS[i % len(DISTRICTS)],
                    10 if i % 5 == 0 else None,
                ]
            )
    rows.append(
        ["H-cutoff", "MINSA", "consulta", f"{DATOS_AL}T08:00:00", None, "x", "web", "PA-8", "", ""]
    )
    return rows


CASE_HEADER = [
    "case_id",
    "entity_id",
    "case_type",
    "created_at",
    "closed_at",
    "category",
    "channel",
    "province",
    "district",
    "sla_days",
]


def build_hostile_database(engine: Engine) -> None:
    """Fill a migrated, empty database with the hostile data and accounts (see the module)."""
    settings = Settings()

    def load(kind: str, data: bytes, name: str, by: str) -> None:
        report = import_bytes(engine, settings, kind, data, name, imported_by=by)
        assert report.rows_read, f"{kind}: nothing read"

    admin = USERS["admin"]
    load(
        "entities",
        _csv(
            ["entity_id", "name", "sector", "active"],
            [[e.entity_id, e.name, e.sector, "si"] for e in ENTITIES],
        ),
        "entidades.csv",
        admin,
    )
    load("cases", _csv(CASE_HEADER, _cases()), "casos.csv", admin)
    reviews = [
        [entity.entity_id, item, f"2026-0{3 + (e + k) % 6}-1{k}T10:00:00"]
        for e, entity in enumerate(ENTITIES)
        for k, item in enumerate(("directorio", "sla"))
    ]
    load("reviews", _csv(["entity_id", "item", "reviewed_at"], reviews), "revisiones.csv", admin)
    releases = [
        [
            f"{entity.entity_id[:30]}|{CORPUS['html'][:40]}|{k}",
            entity.entity_id,
            f"2026-09-1{k}T10:00:00",
            f"2026-09-1{k}T{'08' if k % 2 else '16'}:00:00",
            RELEASE_TITLES[(e + k) % len(RELEASE_TITLES)],
        ]
        for e, entity in enumerate(ENTITIES)
        for k in range(3)
    ]
    load(
        "releases",
        _csv(["release_id", "entity_id", "received_at", "published_at", "title"], releases),
        "comunicados.csv",
        admin,
    )
    rejected = [
        ["R-1", REJECTED_ENTITY, "queja", "2026-09-01T10:00:00", None, CORPUS["issue"]],
        ["R-2", "MINSA", "queja", REJECTED_DATE, None, CORPUS["shortcodes"]],
        ["R-3", "MINSA", f"**{CORPUS['latex']}**", "2026-09-01T10:00:00", None, "x"],
    ]
    load(
        "cases",
        _csv(
            ["case_id", "entity_id", "case_type", "created_at", "closed_at", "category"], rejected
        ),
        FILE_NAME,
        admin,
    )
    for role, email in USERS.items():
        entity = ENLACE_ENTITY if role in ("enlace", "asesor") else None
        users.add_user(engine, email, role, entity, PASSWORD)
    _hostile_submissions(engine, settings)


def _hostile_submissions(engine: Engine, settings: Settings) -> None:
    """The enlace's free text through the dashboard's own write path: a review with hostile
    changes and attachment name, returned by the asesor with a hostile reason, and a press
    release with a hostile title and text, left pending."""
    enlace = users.active_identity(engine, USERS["enlace"], "local")
    asesor = users.active_identity(engine, USERS["asesor"], "local")
    assert enlace is not None and asesor is not None
    now = datetime(2026, 10, 2, 15, 0)
    review = store.submit_review(
        engine, enlace, settings, item="directorio", sin_cambios=False,
        description=CORPUS["markdown"] + "\n" + CORPUS["blocks"],
        attachment=check_attachment(
            "**adj**[x](https:evil.example)$y$.csv", "servicio;teléfono\nCitas;311\n".encode()
        ),
        request_key="hostile-review", now=now,
    )  # fmt: skip
    store.decide(
        engine, asesor, "review", review.submission_id, "devolver",
        reason=CORPUS["shortcodes"] + " " + CORPUS["autolinks"], now=now,
    )  # fmt: skip
    store.submit_release(
        engine, enlace, settings, title=CORPUS["html"][:200],
        media_at_local=datetime(2026, 10, 3, 9, 0),
        body=CORPUS["latex"] + " " + CORPUS["plotly"], attachment=None,
        request_key="hostile-release", now=now,
    )  # fmt: skip
