"""What each `cac311` command does, given its parsed arguments (the parser and the one-line error
boundary are `cac311.cli`). Each handler imports what it needs when it runs, so the parser loads
without the whole product; a refusal is a `UserError`, which `cli.main` prints as one line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cac311.config import Settings, resolve_database_url
from cac311.errors import UserError
from metrics.period import Month, Period


def _writer_engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from cac311.db.engine import make_engine
    from cac311.db.setup import prepare_database

    engine = make_engine(resolve_database_url(getattr(args, "database_url", None)))
    prepare_database(engine, Settings.from_env())
    return engine


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from cac311.db import migrate
    from cac311.db.engine import make_engine
    from cac311.db.setup import prepare_database

    engine = make_engine(resolve_database_url(getattr(args, "database_url", None)))
    before = migrate.current_revision(engine)
    changed = prepare_database(engine, Settings.from_env())
    head = migrate.head_revision()
    if changed:
        print(f"Base de datos actualizada: {before or 'vacía'} -> {head}")
    else:
        print(f"La base de datos ya está en la última versión ({head}); nada que hacer.")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from cac311.db.engine import make_engine
    from cac311.db.summary_check import check_summaries

    engine = make_engine(resolve_database_url(getattr(args, "database_url", None)), read_only=True)
    result = check_summaries(engine)
    if result.ok:
        print(f"Resúmenes mensuales iguales a los casos ({result.rows} filas comparadas).")
        return 0
    for line in result.differences:
        print(line)
    print(
        f"{len(result.differences)} diferencias entre los resúmenes mensuales y los casos; "
        "cac311 db upgrade los reconstruye si cambió el límite legal.",
        file=sys.stderr,
    )
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from cac311.ingest.demo import generate_demo

    engine = _writer_engine(args)
    summary = generate_demo(
        engine, Settings.from_env(), cases=args.cases, seed=args.seed, progress=True
    )
    print(summary)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from cac311.ingest.importer import import_file

    engine = _writer_engine(args)
    report = import_file(
        engine,
        Settings.from_env(),
        kind=args.kind,
        path=Path(args.file),
        timezone=args.timezone,
        mapping_path=Path(args.mapping) if args.mapping else None,
        encoding=args.encoding,
        progress=True,
    )
    for line in report.lines():
        print(line)
    return 0


def cmd_export_publication(args: argparse.Namespace) -> int:
    from cac311.export.publication import write_bundle

    engine = _writer_engine(args)
    paths = write_bundle(
        engine,
        Settings.from_env(),
        period=Period(args.month, args.dias),
        out_dir=Path(args.out),
        allow_partial=args.allow_partial,
    )
    for path in paths:
        print(f"Escrito {path}")
    _record_publication(engine, args.month, [p.name for p in paths])
    return 0


def _record_publication(engine, month: Month, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The first FINAL bundle of a month records its publication date (publication calendar)."""
    from cac311.export.publication import bundle_stem
    from cac311.publishing.calendar_view import publication_due_date
    from cac311.publishing.records import local_today, record_first_publication

    if f"{bundle_stem(month, False)}.csv" not in names:
        return  # a partial bundle is not the publication
    settings = Settings.from_env()
    today = local_today(settings.timezone)
    if record_first_publication(engine, month, today, "cli"):
        due = publication_due_date(settings, month)
        when = "a tiempo" if today <= due else "después de la fecha límite"
        print(
            f"Publicación de {month} registrada el {today:%d/%m/%Y} ({when}: fecha límite "
            f"{due:%d/%m/%Y})."
        )


def cmd_export_report(args: argparse.Namespace) -> int:
    from cac311.report.build import write_reports

    engine = _writer_engine(args)
    run = write_reports(
        engine,
        Settings.from_env(),
        period=Period(args.month, args.dias),
        out_dir=Path(args.out),
        entity=args.entity,
        allow_partial=args.allow_partial,
    )
    for path in run.paths:
        print(f"Escrito {path}")
    if run.charts_problem:
        print(f"Aviso: gráficos omitidos ({run.charts_problem}); los PDF llevan solo las tablas.")
    return 0


def cmd_send_reports(args: argparse.Namespace) -> int:
    from cac311.delivery.send import due_month, send_reports
    from cac311.publishing.records import local_today

    engine = _writer_engine(args)
    settings = Settings.from_env()
    month = args.month
    if args.due:
        month, why = due_month(engine, settings, local_today(settings.timezone))
        if month is None:
            print(why)
            return 0
    result = send_reports(engine, settings, period=Period(month, args.dias), dry_run=args.dry_run)
    for note in result.skipped:
        print(note)
    label = {"informe_entidad": "informe de entidad", "informe_nacional": "informe nacional"}
    if args.dry_run:
        for p in result.pending:
            extra = " + paquete de publicación" if p.with_bundle else ""
            print(f"Enviaría a {p.recipient}: {label[p.kind]}{extra}.")
        print(
            f"Simulación {result.period}: {len(result.pending)} mensajes por enviar, "
            f"{result.already_sent} ya enviados; nada se envió ni se registró."
        )
        return 0
    for p in result.sent:
        extra = " + paquete de publicación" if p.with_bundle else ""
        print(f"Enviado a {p.recipient}: {label[p.kind]}{extra}.")
    if result.charts_problem:
        print(f"Aviso: gráficos omitidos ({result.charts_problem}); los PDF llevan solo tablas.")
    if result.failed:
        first = result.failed[0][1]
        raise UserError(
            f"{len(result.failed)} de {len(result.failed) + len(result.sent)} envíos de "
            f"{result.period} fallaron y quedaron registrados para reintentar ({first})."
        )
    if not result.planned:
        print(
            "Nada que enviar: no hay usuarios activos con rol enlace, director o admin "
            "(créelos con cac311 users add)."
        )
        return 0
    if not result.sent:
        busy = f"; {result.busy} en curso en otra ejecución" if result.busy else ""
        print(
            f"Nada que enviar: los {result.already_sent} informes de {result.period} ya se "
            f"enviaron{busy}."
        )
    return 0


def cmd_publication(args: argparse.Namespace) -> int:
    from datetime import date

    from cac311.publishing.calendar_view import calendar_view
    from cac311.publishing.records import local_today, mark_publication

    engine = _writer_engine(args)
    settings = Settings.from_env()
    today = local_today(settings.timezone)
    if args.publication_command == "mark":
        try:
            published_on = date.fromisoformat(args.date)
        except ValueError:
            raise UserError(f"Fecha inválida: {args.date!r} (use AAAA-MM-DD).") from None
        previous = mark_publication(
            engine, args.month, published_on, args.reason, "cli", today=today
        )
        before = f" (antes: {previous.published_on:%d/%m/%Y})" if previous else ""
        print(f"Publicación de {args.month} marcada el {published_on:%d/%m/%Y}{before}.")
        return 0
    view = calendar_view(engine, settings, today)
    for row in view.frame.iter_rows(named=True):
        published = row["publicado_el"]
        print(
            f"{row['periodo']}  límite {row['fecha_limite']:%d/%m/%Y}  publicado "
            f"{published.strftime('%d/%m/%Y') if published else '—':>10}  {row['estado_texto']}"
        )
    share = "—" if view.pct_a_tiempo is None else f"{view.pct_a_tiempo:.1f} %"
    print(f"A tiempo: {share} de los meses ya vencidos o publicados.")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from cac311.auth import users

    engine = _writer_engine(args)
    if args.users_command == "add":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        users.add_user(
            engine, email=args.email, role=args.role, password=password, entity_ids=args.entity
        )
        print(f"Usuario {args.email} creado ({args.role}).")
    elif args.users_command == "list":
        for line in users.list_lines(engine):
            print(line)
    elif args.users_command == "enable":
        users.enable_user(engine, email=args.email)
        print(f"Usuario {args.email} habilitado.")
    elif args.users_command == "passwd":
        ended = users.set_password(
            engine, email=args.email, password=sys.stdin.readline().rstrip("\n")
        )
        print(
            f"Contraseña de {args.email} actualizada; bloqueo borrado; "
            f"sesiones abiertas cerradas: {ended}."
        )
    else:
        ended = users.disable_user(engine, email=args.email)
        print(f"Usuario {args.email} deshabilitado; sesiones abiertas cerradas: {ended}.")
    return 0
