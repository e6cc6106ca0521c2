"""`cac311`: the command line of Tablero 311 (messages in Spanish).

The database comes from `--database-url` (accepted before or after the subcommand), else
`DATABASE_URL`, else `.streamlit/secrets.toml`, else the embedded SQLite file. Every command exits
non-zero with one line on input it cannot accept, never a traceback.

This module is the parser (arguments parsed once, at the boundary, into typed values) and the
error boundary (`main`); what each command does is in `cac311.commands`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeAlias

from sqlalchemy.exc import SQLAlchemyError

from cac311.auth.identity import ROLES
from cac311.commands import (
    cmd_db_check,
    cmd_db_upgrade,
    cmd_demo,
    cmd_export_publication,
    cmd_export_report,
    cmd_import,
    cmd_publication,
    cmd_send_reports,
    cmd_users,
)
from cac311.db.faults import describe
from cac311.errors import UserError
from cac311.ingest.kinds import KINDS
from metrics.period import DayMode, Month

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
