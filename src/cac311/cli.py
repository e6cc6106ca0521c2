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
from typing import Any, NoReturn

from cac311.config import Settings, resolve_database_url
from cac311.errors import UserError
from metrics.period import DayMode, Month, Period

log = logging.getLogger("cac311")

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors ("Error: ..."), like every other refusal of the CLI."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"Error: {message.removeprefix('argument ')}\n")


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
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from cac311.auth import users

    engine = _writer_engine(args)
    if args.users_command == "add":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        users.add_user(
            engine, email=args.email, role=args.role, entity_id=args.entity, password=password
        )
        print(f"Usuario {args.email} creado ({args.role}).")
    elif args.users_command == "list":
        for line in users.list_lines(engine):
            print(line)
    elif args.users_command == "enable":
        users.enable_user(engine, email=args.email)
        print(f"Usuario {args.email} habilitado.")
    elif args.users_command == "passwd":
        users.set_password(engine, email=args.email, password=sys.stdin.readline().rstrip("\n"))
        print(f"Contraseña de {args.email} actualizada; bloqueo borrado.")
    else:
        users.disable_user(engine, email=args.email)
        print(f"Usuario {args.email} deshabilitado.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = _Parser(
        prog="cac311",
        description="Tablero 311 — herramientas de línea de comandos",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")

    db = sub.add_parser("db", help="esquema de la base de datos", parents=[common])
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACCIÓN")
    db_sub.add_parser("upgrade", help="aplica las migraciones", parents=[common]).set_defaults(
        handler=cmd_db_upgrade
    )
    db_sub.add_parser(
        "check", help="compara los resúmenes mensuales con los casos", parents=[common]
    ).set_defaults(handler=cmd_db_check)

    demo = sub.add_parser("demo", help="genera datos sintéticos reproducibles", parents=[common])
    demo.add_argument("--cases", type=int, default=250_000, help="número de casos (250000)")
    demo.add_argument("--seed", type=int, default=311, help="semilla (311)")
    demo.set_defaults(handler=cmd_demo)

    imp = sub.add_parser("import", help="importa un archivo CSV o Excel", parents=[common])
    imp.add_argument("kind", choices=["entities", "cases", "reviews", "releases"])
    imp.add_argument("file")
    imp.add_argument("--timezone", default=None, help="zona de las fechas sin desfase")
    imp.add_argument("--mapping", default=None, help="perfil de mapeo TOML")
    imp.add_argument("--encoding", default=None, help="codificación del archivo (p. ej. cp1252)")
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser("export", help="exporta datos", parents=[common])
    exp_sub = exp.add_subparsers(dest="export_command", required=True, metavar="QUÉ")
    pub = exp_sub.add_parser("publication", help="paquete de publicación mensual", parents=[common])
    pub.add_argument("--month", required=True, type=MONTH, help="mes AAAA-MM")
    pub.add_argument("--out", required=True, help="carpeta de salida")
    pub.add_argument(
        "--dias",
        type=DAY_MODE,
        default=DayMode.CALENDARIO,
        help="calendario (por defecto) o habiles",
    )
    pub.add_argument("--allow-partial", action="store_true", help="permite un mes incompleto")
    pub.set_defaults(handler=cmd_export_publication)

    usr = sub.add_parser("users", help="usuarios y roles", parents=[common])
    usr_sub = usr.add_subparsers(dest="users_command", required=True, metavar="ACCIÓN")
    add = usr_sub.add_parser("add", help="crea un usuario", parents=[common])
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=["admin", "director", "enlace"])
    add.add_argument("--entity", default=None, help="entidad del enlace")
    add.add_argument("--password-stdin", action="store_true", help="lee la contraseña de stdin")
    usr_sub.add_parser("list", help="lista los usuarios", parents=[common])
    dis = usr_sub.add_parser("disable", help="deshabilita un usuario", parents=[common])
    dis.add_argument("--email", required=True)
    ena = usr_sub.add_parser("enable", help="rehabilita un usuario", parents=[common])
    ena.add_argument("--email", required=True)
    pw = usr_sub.add_parser("passwd", help="cambia la contraseña (lee de stdin)", parents=[common])
    pw.add_argument("--email", required=True)
    usr.set_defaults(handler=cmd_users)
    return parser


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
    except KeyboardInterrupt:
        print("Interrumpido; no se guardó nada a medias.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
