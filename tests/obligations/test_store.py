"""The write path of the obligations on SQLite and PostgreSQL: submit → validate/return →
resubmit, the figures that change, one record per double submit, and no way to write or read
for another entity."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.auth.identity import Identity
from cac311.config import Settings
from cac311.errors import UserError
from cac311.obligations import figures, store
from cac311.obligations.attachments import check_attachment
from metrics.period import Month
from tests import analytics_calls as calls
from tests.auth.helpers import add_batch
from tests.obligations.support import T0, World, build_world, csv_bytes, key, pdf_bytes

SETTINGS = Settings()
AS_OF = date(2026, 11, 15)
CLOCK = figures.LocalClock(today=date(2026, 11, 15), timezone="America/Panama")


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def review(
    engine: Engine, who: Identity, item: str = "sla", **overrides: object
) -> store.SubmitResult:
    values: dict[str, object] = {
        "item": item,
        "sin_cambios": True,
        "description": None,
        "attachment": None,
        "request_key": key(),
        "now": T0,
    }
    values.update(overrides)
    return store.submit_review(engine, who, SETTINGS, **values)  # type: ignore[arg-type]


def release(engine: Engine, who: Identity, **overrides: object) -> store.SubmitResult:
    values: dict[str, object] = {
        "title": "Jornada de vacunación",
        "media_at_local": datetime(2026, 11, 11, 9, 0),  # local; received 10/11 10:00 local
        "body": "Texto del comunicado",
        "attachment": None,
        "request_key": key(),
        "now": T0,
    }
    values.update(overrides)
    return store.submit_release(engine, who, SETTINGS, **values)  # type: ignore[arg-type]


def freshness(engine: Engine, entity: str, item: str) -> dict[str, object]:
    frame = calls.directory_freshness(engine, SETTINGS, AS_OF)
    row = frame.filter((pl.col("entidad_id") == entity) & (pl.col("item") == item))
    return row.row(0, named=True)


def stored(engine: Engine, table: str, submission_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(f"select * from {table} where submission_id = :i"), {"i": submission_id}
        ).one()
    return dict(row._mapping)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(f"select count(*) from {table}")).scalar_one())


# --- reviews: submit → return → resubmit → validate ------------------------------------------


def test_review_cycle_moves_the_freshness_only_on_validation(engine: Engine, world: World) -> None:
    assert freshness(engine, "MINSA", "sla")["estado"] == "sin_registro"
    sent = review(engine, world.enlace_minsa, "sla", sin_cambios=False, description="Nuevo SLA")
    assert sent.created
    row = stored(engine, "obligation_reviews", sent.submission_id)
    assert (row["entity_id"], row["status"], str(row["submitted_on"])) == (
        "MINSA",
        "pendiente",
        "2026-11-10",
    )
    items = figures.review_items(engine, as_of=AS_OF, clock=CLOCK)
    minsa = items.filter((pl.col("entidad_id") == "MINSA") & (pl.col("item") == "sla")).row(
        0, named=True
    )
    assert (minsa["revisiones_pendientes"], minsa["dias_pendiente"]) == (1, 5)
    assert minsa["pendiente_desde"] == datetime(2026, 11, 10, 10, 0)
    assert freshness(engine, "MINSA", "sla")["estado"] == "sin_registro"  # pending: no move

    returned = store.decide(
        engine,
        world.asesor_minsa,
        "review",
        sent.submission_id,
        "devolver",
        reason="Falta el SLA de citas",
        now=T0 + timedelta(days=1),
    )
    assert (returned.changed, returned.status) == (True, "devuelto")
    assert freshness(engine, "MINSA", "sla")["estado"] == "sin_registro"
    view = figures.submissions(engine, ["MINSA"], CLOCK)
    assert view["return_reason"].to_list() == ["Falta el SLA de citas"]
    items = figures.review_items(engine, as_of=AS_OF, clock=CLOCK)
    assert items.filter(pl.col("entidad_id") == "MINSA")["revisiones_devueltas"].sum() == 1

    again = review(
        engine,
        world.enlace_minsa,
        "sla",
        sin_cambios=False,
        description="SLA con citas",
        replaces_id=sent.submission_id,
        now=T0 + timedelta(days=2),
    )
    assert again.created
    items = figures.review_items(engine, as_of=AS_OF, clock=CLOCK)
    sla = items.filter((pl.col("entidad_id") == "MINSA") & (pl.col("item") == "sla"))
    assert sla["revisiones_devueltas"].to_list() == [0]
    assert sla["revisiones_pendientes"].to_list() == [1]

    done = store.decide(
        engine,
        world.asesor_minsa,
        "review",
        again.submission_id,
        "validar",
        now=T0 + timedelta(days=3),
    )
    assert done.changed
    fresh = freshness(engine, "MINSA", "sla")
    assert (fresh["ultima_revision"], fresh["edad_dias"], fresh["estado"]) == (
        date(2026, 11, 12),
        3,
        "al_dia",
    )
    state = figures.review_items(engine, as_of=AS_OF, clock=CLOCK).filter(
        (pl.col("entidad_id") == "MINSA") & (pl.col("item") == "sla")
    )
    assert state["origen"].to_list() == ["tablero"]
    actions = audit_entries(engine, 10)["action"].to_list()
    assert actions[:4] == [
        "obligation_validate",
        "obligation_submit",
        "obligation_return",
        "obligation_submit",
    ]


def test_validated_review_after_the_cutoff_counts_on_the_cutoff(
    engine: Engine, world: World
) -> None:
    later = datetime(2026, 12, 5, 15, 0)
    sent = review(engine, world.enlace_minsa, "directorio", now=later)
    store.decide(engine, world.asesor_minsa, "review", sent.submission_id, "validar", now=later)
    fresh = freshness(engine, "MINSA", "directorio")
    assert (fresh["ultima_revision"], fresh["edad_dias"], fresh["estado"]) == (AS_OF, 0, "al_dia")
    # The imported reviews keep their rule: one dated after the cutoff does not exist yet.
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into directory_reviews (entity_id, item, reviewed_at, reviewed_on)"
                " values ('MEF', 'sla', :at, :on)"
            ),
            {"at": later, "on": later.date()},
        )
    assert freshness(engine, "MEF", "sla")["estado"] == "sin_registro"


def test_an_imported_review_newer_than_the_validated_one_is_the_origin(
    engine: Engine, world: World
) -> None:
    sent = review(engine, world.enlace_minsa, "sla")
    store.decide(engine, world.asesor_minsa, "review", sent.submission_id, "validar", now=T0)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into directory_reviews (entity_id, item, reviewed_at, reviewed_on)"
                " values ('MINSA', 'sla', :at, :on)"
            ),
            {"at": datetime(2026, 11, 13, 15), "on": date(2026, 11, 13)},
        )
    state = figures.review_items(engine, as_of=AS_OF, clock=CLOCK).filter(
        (pl.col("entidad_id") == "MINSA") & (pl.col("item") == "sla")
    )
    assert state.select("ultima_revision", "origen").row(0) == (date(2026, 11, 13), "importado")


# --- press releases ----------------------------------------------------------------------------


def test_release_cycle_counts_only_validated_from_receipt_to_media(
    engine: Engine, world: World
) -> None:
    early = release(engine, world.enlace_minsa)  # 23 h before the media
    late = release(
        engine,
        world.enlace_minsa,
        title="Cierre de vía",
        media_at_local=datetime(2026, 11, 10, 8, 0),  # 2 h before receipt (10:00 local)
    )
    summary = calls.press_releases(engine, "2026-11")
    assert summary.filter(pl.col("entidad_id") == "MINSA").is_empty()
    states = figures.release_states(engine, month=Month(202611))
    assert states.select("entidad_id", "pendientes", "validados").rows() == [("MINSA", 2, 0)]

    store.decide(engine, world.asesor_minsa, "release", early.submission_id, "validar", now=T0)
    store.decide(
        engine,
        world.asesor_minsa,
        "release",
        late.submission_id,
        "devolver",
        reason="Fecha de medios errada",
        now=T0,
    )
    summary = calls.press_releases(engine, "2026-11")
    minsa = summary.filter(pl.col("entidad_id") == "MINSA").row(0, named=True)
    assert (
        minsa["comunicados"],
        minsa["con_anticipacion"],
        minsa["mediana_anticipacion_horas"],
    ) == (
        1,
        1,
        23.0,
    )
    fixed = release(
        engine,
        world.enlace_minsa,
        title="Cierre de vía",
        media_at_local=datetime(2026, 11, 12, 8, 0),
        replaces_id=late.submission_id,
        now=T0 + timedelta(hours=1),
    )
    store.decide(engine, world.asesor_minsa, "release", fixed.submission_id, "validar", now=T0)
    summary = calls.press_releases(engine, "2026-11")
    minsa = summary.filter(pl.col("entidad_id") == "MINSA").row(0, named=True)
    assert (minsa["comunicados"], minsa["pct_con_anticipacion"]) == (2, 100.0)
    view = figures.submissions(engine, ["MINSA"], CLOCK).filter(pl.col("tipo") == "release")
    assert view["anticipacion_horas"].to_list() == [23.0, -2.0, 45.0]


def test_release_needs_title_and_text_or_attachment(engine: Engine, world: World) -> None:
    with pytest.raises(UserError, match="título"):
        release(engine, world.enlace_minsa, title="  ")
    with pytest.raises(UserError, match="texto del comunicado o adjunte"):
        release(engine, world.enlace_minsa, body=" ")
    with_file = release(
        engine,
        world.enlace_minsa,
        body=None,
        attachment=check_attachment("nota.pdf", pdf_bytes()),
    )
    assert with_file.created
    assert count(engine, "obligation_attachments") == 1


# --- one record per double submit ------------------------------------------------------------


def test_two_clicks_and_two_tabs_create_one_record(engine: Engine, world: World) -> None:
    form = key()
    first = review(engine, world.enlace_minsa, "directorio", request_key=form)
    click = review(engine, world.enlace_minsa, "directorio", request_key=form)
    tab = review(engine, world.enlace_minsa, "directorio")  # another tab: another form key
    assert first.created and not click.created and not tab.created
    assert first.submission_id == click.submission_id == tab.submission_id
    assert "pendiente de validación" in tab.message
    assert count(engine, "obligation_reviews") == 1

    one = release(engine, world.enlace_minsa, request_key=form)
    two = release(engine, world.enlace_minsa)
    assert one.created and not two.created and one.submission_id == two.submission_id
    assert count(engine, "obligation_releases") == 1

    decision = store.decide(engine, world.asesor_minsa, "review", first.submission_id, "validar")
    twice = store.decide(
        engine, world.asesor_both, "review", first.submission_id, "devolver", reason="x"
    )
    assert decision.changed and not twice.changed
    assert stored(engine, "obligation_reviews", first.submission_id)["status"] == "validado"


def test_a_returned_submission_is_resubmitted_once(engine: Engine, world: World) -> None:
    sent = review(engine, world.enlace_minsa, "sla")
    store.decide(engine, world.asesor_minsa, "review", sent.submission_id, "devolver", reason="r")
    one = review(engine, world.enlace_minsa, "sla", replaces_id=sent.submission_id)
    store.decide(engine, world.asesor_minsa, "review", one.submission_id, "devolver", reason="r2")
    two = review(engine, world.enlace_minsa, "sla", replaces_id=sent.submission_id)
    assert one.created and not two.created and two.submission_id == one.submission_id


def test_the_database_refuses_a_second_pending_review(engine: Engine, world: World) -> None:
    """Belt and braces: the partial unique index holds even if the code's check were skipped."""
    review(engine, world.enlace_minsa, "sla")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into obligation_reviews (entity_id, item, sin_cambios, submitted_by,"
                " submitted_at, submitted_on, status, request_key)"
                " values ('MINSA', 'sla', true, 'x@y.pa', :at, :on, 'pendiente', 'otra-llave-1')"
            ),
            {"at": T0, "on": T0.date()},
        )


# --- nobody writes or reads for another entity -----------------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        Identity("enlace@minsa.gob.pa", "enlace", "MEF", "local"),  # entity changed in session
        Identity("intruso@aig.gob.pa", "enlace", "MEF", "local"),  # no such user
        Identity("director@aig.gob.pa", "enlace", "MEF", "oidc"),  # role changed in session
        Identity("demo-enlace@demo.local", "enlace", "MEF", "demo"),  # demo on a real database
    ],
    ids=["otra_entidad", "desconocido", "otro_rol", "demo"],
)
def test_a_forged_identity_cannot_write(engine: Engine, world: World, forged: Identity) -> None:
    del world
    with pytest.raises(UserError):
        review(engine, forged, "sla")
    with pytest.raises(UserError):
        release(engine, forged)
    assert count(engine, "obligation_reviews") == count(engine, "obligation_releases") == 0


def test_a_disabled_enlace_cannot_write(engine: Engine, world: World) -> None:
    users.disable_user(engine, "enlace@mef.gob.pa")
    with pytest.raises(UserError, match="no está activo"):
        review(engine, world.enlace_mef, "sla")


def test_asesor_decides_only_for_assigned_entities(engine: Engine, world: World) -> None:
    mef = review(engine, world.enlace_mef, "sla")
    with pytest.raises(UserError, match="no es de sus entidades"):
        store.decide(engine, world.asesor_minsa, "review", mef.submission_id, "validar")
    # A session claiming more entities than the database assigns gains nothing.
    forged = Identity("asesor1@aig.gob.pa", "asesor", via="local", entity_ids=("MINSA", "MEF"))
    with pytest.raises(UserError, match="no es de sus entidades"):
        store.decide(engine, forged, "review", mef.submission_id, "validar")
    with pytest.raises(UserError, match="rol"):
        store.decide(engine, world.enlace_mef, "review", mef.submission_id, "validar")
    with pytest.raises(UserError, match="motivo"):
        store.decide(engine, world.asesor_both, "review", mef.submission_id, "devolver")
    assert store.decide(engine, world.asesor_both, "review", mef.submission_id, "validar").changed


def test_attachments_are_served_only_to_their_entity(engine: Engine, world: World) -> None:
    sent = review(
        engine,
        world.enlace_minsa,
        "directorio",
        sin_cambios=False,
        description="Nuevos números",
        attachment=check_attachment("directorio.csv", csv_bytes()),
    )
    attachment_id = int(stored(engine, "obligation_reviews", sent.submission_id)["attachment_id"])
    own = store.fetch_attachment(engine, world.enlace_minsa, attachment_id, "enlace")
    assert (own.file_name, own.content, own.media_type) == (
        "directorio.csv",
        csv_bytes(),
        "text/csv",
    )
    assert store.fetch_attachment(engine, world.asesor_both, attachment_id, "asesor").content
    with pytest.raises(UserError, match="no existe o no es de su entidad"):
        store.fetch_attachment(engine, world.enlace_mef, attachment_id, "enlace")
    with pytest.raises(UserError, match="rol"):
        store.fetch_attachment(engine, world.director, attachment_id, "enlace")
    with pytest.raises(UserError, match="no existe o no es de su entidad"):
        store.fetch_attachment(engine, world.enlace_mef, attachment_id + 99, "enlace")
    forged = Identity("enlace@mef.gob.pa", "enlace", "MINSA", "local")
    with pytest.raises(UserError):
        store.fetch_attachment(engine, forged, attachment_id, "enlace")
    exports = audit_entries(engine, 20).filter(pl.col("action") == "export")
    assert exports.height == 2  # the two granted downloads, nothing for the refusals


def test_demo_identity_writes_only_on_a_demo_database(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text("insert into entities (entity_id, name, sector) values ('MINSA', 'M', 'otro')")
        )
    add_batch(engine, is_demo=True)
    demo = Identity("demo-enlace@demo.local", "enlace", "MINSA", "demo")
    assert review(engine, demo, "sla").created
    users.add_user(engine, "a@aig.gob.pa", "admin", None, "clave-larga-1")
    with pytest.raises(UserError, match="demostración"):
        review(engine, demo, "directorio")
