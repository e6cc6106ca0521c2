"""`cac311`: the command line of Tablero 311 (messages in Spanish).

The database comes from `--database-url` (accepted before or after the subcommand), else
`DATABASE_URL`, else `.streamlit/secrets.toml`, else the embedded SQLite file. Every command exits
non-zero with one line on input it cannot accept, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from sqlalchemy.exc import SQLAlchemyError

from cac311.auth.identity import ROLES
from cac311.config import Settings, resolve_database_url
from cac311.db.faults import describe
from cac311.errors import UserError
from cac311.ingest.kinds import KINDS
from metrics.period import DayMode, Month, Period

log = logging.getLogger("cac311")

Handler = Callable[[argparse.Namespace], int]


# argparse's own refusals, said in Spanish like every other message of the CLI.
_ARGPARSE_SPANISH = (
    ("the following arguments are required:", "faltan argumentos obligatorios:"),
    ("unrecognized arguments:", "argumentos no reconocidos:"),
    ("invalid choice:", "opción inválida:"),
    ("(choose from", "(elija entre"),
    ("expected one argument", "falta su valor"),
    ("invalid int value:", "número entero inválido:"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line Spanish errors ("Error: ..."), like every refusal of the CLI."""

    def error(self, message: str) -> NoReturn:
        text = message.removeprefix("argument ")
        for english, spanish in _ARGPARSE_SPANISH:
            text = text.replace(english, spanish)
        self.exit(2, f"Error: {text}\n")


def _typed(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse `type=` that parses once at the boundary and keeps our Spanish message."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__qualname__
    return convert


MONTH = _typed(Month.parse)
DAY_MODE = _typed(DayMode.parse)


def _global_options() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help="URL SQLAlchemy de la base de datos (por defecto: DATABASE_URL o SQLite embebido)",
    )
    return common


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


Subparsers: TypeAlias = "argparse._SubParsersAction[Any]"


def _add_db(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", help="esquema de la base de datos", parents=[common])
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACCIÓN")
    db_sub.add_parser("upgrade", help="aplica las migraciones", parents=[common]).set_defaults(
        handler=cmd_db_upgrade
    )
    db_sub.add_parser(
        "check", help="compara los resúmenes mensuales con los casos", parents=[common]
    ).set_defaults(handler=cmd_db_check)


def _add_data(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`demo` and `import`: the commands that fill the database."""
    demo = sub.add_parser("demo", help="genera datos sintéticos reproducibles", parents=[common])
    demo.add_argument("--cases", type=int, default=250_000, help="número de casos (250000)")
    demo.add_argument("--seed", type=int, default=311, help="semilla (311)")
    demo.set_defaults(handler=cmd_demo)

    imp = sub.add_parser("import", help="importa un archivo CSV o Excel", parents=[common])
    imp.add_argument("kind", choices=list(KINDS))
    imp.add_argument("file")
    imp.add_argument("--timezone", default=None, help="zona de las fechas sin desfase")
    imp.add_argument("--mapping", default=None, help="perfil de mapeo TOML")
    imp.add_argument("--encoding", default=None, help="codificación del archivo (p. ej. cp1252)")
    imp.set_defaults(handler=cmd_import)


def _add_month_options(parser: argparse.ArgumentParser, *, day_mode_help: str) -> None:
    """--month, --out, --dias and --allow-partial of the monthly exports."""
    parser.add_argument("--month", required=True, type=MONTH, help="mes AAAA-MM")
    parser.add_argument("--out", required=True, help="carpeta de salida")
    parser.add_argument("--dias", type=DAY_MODE, default=DayMode.CALENDARIO, help=day_mode_help)
    parser.add_argument("--allow-partial", action="store_true", help="permite un mes incompleto")


def _add_export(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    exp = sub.add_parser("export", help="exporta datos", parents=[common])
    exp_sub = exp.add_subparsers(dest="export_command", required=True, metavar="QUÉ")
    pub = exp_sub.add_parser("publication", help="paquete de publicación mensual", parents=[common])
    _add_month_options(pub, day_mode_help="calendario (por defecto) o habiles")
    pub.set_defaults(handler=cmd_export_publication)
    rep = exp_sub.add_parser("report", help="informe mensual en PDF (una página)", parents=[common])
    _add_month_options(rep, day_mode_help="calendario o habiles")
    rep.add_argument(
        "--entity", default=None, help="código de entidad, o all (todas y la nacional)"
    )
    rep.set_defaults(handler=cmd_export_report)


def _add_delivery(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    """`send reports` and the publication calendar (`publication status|mark`)."""
    snd = sub.add_parser("send", help="envía los informes por correo", parents=[common])
    snd_sub = snd.add_subparsers(dest="send_command", required=True, metavar="QUÉ")
    srep = snd_sub.add_parser("reports", help="informes mensuales por correo", parents=[common])
    which = srep.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", type=MONTH, help="mes AAAA-MM")
    which.add_argument(
        "--due", action="store_true", help="el último mes completo cuya fecha límite pasó"
    )
    srep.add_argument(
        "--dias", type=DAY_MODE, default=DayMode.CALENDARIO, help="calendario o habiles"
    )
    srep.add_argument("--dry-run", action="store_true", help="muestra qué enviaría, sin enviar")
    srep.set_defaults(handler=cmd_send_reports)

    cal = sub.add_parser("publication", help="calendario de publicación", parents=[common])
    cal_sub = cal.add_subparsers(dest="publication_command", required=True, metavar="ACCIÓN")
    cal_sub.add_parser("status", help="12 meses: fecha límite y estado", parents=[common])
    mark = cal_sub.add_parser("mark", help="marca la fecha de publicación", parents=[common])
    mark.add_argument("--month", required=True, type=MONTH, help="mes AAAA-MM")
    mark.add_argument("--date", required=True, help="fecha de publicación AAAA-MM-DD")
    mark.add_argument("--reason", required=True, help="motivo (p. ej., por qué fue tarde)")
    cal.set_defaults(handler=cmd_publication)


def _add_users(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    usr = sub.add_parser("users", help="usuarios y roles", parents=[common])
    usr_sub = usr.add_subparsers(dest="users_command", required=True, metavar="ACCIÓN")
    add = usr_sub.add_parser("add", help="crea un usuario", parents=[common])
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument(
        "--entity",
        action="append",
        default=[],
        help="entidad del enlace (una) o del asesor (repita --entity para varias)",
    )
    add.add_argument("--password-stdin", action="store_true", help="lee la contraseña de stdin")
    usr_sub.add_parser("list", help="lista los usuarios", parents=[common])
    for action, text in (
        ("disable", "deshabilita un usuario"),
        ("enable", "rehabilita un usuario"),
        ("passwd", "cambia la contraseña (lee de stdin)"),
    ):
        usr_sub.add_parser(action, help=text, parents=[common]).add_argument(
            "--email", required=True
        )
    usr.set_defaults(handler=cmd_users)


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = _Parser(
        prog="cac311",
        description="Tablero 311 — herramientas de línea de comandos",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")
    for add_commands in (_add_db, _add_data, _add_export, _add_delivery, _add_users):
        add_commands(sub, common)
    return parser


def _database_refusal(exc: BaseException) -> str:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (
        "La base de datos rechazó la operación; no se guardó nada de ella"
        + (f" ({detail[0]})" if detail else "")
        + "."
    )


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, or one "Error: ..." line already printed
        return stop.code if isinstance(stop.code, int) else 2
    handler: Handler = args.handler
    try:
        return handler(args)
    except UserError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        # Faults of the environment (read-only file, full disk, lost server...): one line; the
        # traceback goes to the log at debug level only.
        log.debug("command failed", exc_info=True)
        line = describe(exc) or _database_refusal(exc)
        print(f"Error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrumpido; no se guardó nada a medias.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
