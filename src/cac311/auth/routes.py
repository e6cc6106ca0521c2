"""Two small HTTP routes that put a local session into an HttpOnly cookie and take it out.

Streamlit's script talks to the browser over a WebSocket and cannot send a `Set-Cookie` header,
so the local sign-in ends with one ordinary HTTP round trip (docs/security.md, "Local sessions"):

1. The sign-in form verifies the password (`users.attempt_sign_in`) and opens a *pending*
   session holding only the hash of a one-time code (`sessions.open_pending`, valid 60 s).
2. The page puts the code in a short-lived `SameSite=Strict` cookie (`CODE_COOKIE`) and sends
   the browser to `OPEN_PATH?next=<this page>`. The code travels in a cookie rather than in the
   URL, so it never lands in an access log or the history, and a link crafted by somebody else
   cannot sign a victim into the attacker's account (login CSRF): a foreign site can make the
   browser visit the route but cannot plant the cookie.
3. The route redeems the code once (`sessions.redeem_code`), sets the session token as an
   `HttpOnly; SameSite=Lax` cookie (`Secure` when the request came over HTTPS, directly or
   through a trusted proxy's `X-Forwarded-Proto`), deletes the code cookie and redirects (303)
   back to `next`, a path on this site.
4. Every page run reads the cookie through `st.context.cookies` and checks the token against
   the database (`sessions.check_session`).

Sign-out ends the session in the database from the Streamlit side, then sends the browser to
`CLOSE_PATH`, which only expires the cookie (a forged link to it can at worst sign somebody out).

The routes are mounted by `serve.py` (`st.App`, served by `streamlit run serve.py`);
`mounted()` tells the sign-in gate whether they exist in this process.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from cac311.auth import sessions
from cac311.auth.audit import utc_now
from cac311.config import Settings, resolve_database_url
from cac311.db.engine import make_engine
from cac311.errors import UserError

log = logging.getLogger(__name__)

SESSION_COOKIE: Final = "cac311_sesion"
CODE_COOKIE: Final = "cac311_codigo"
OPEN_PATH: Final = "/api/sesion/abrir"
CLOSE_PATH: Final = "/api/sesion/cerrar"
_UNSAFE_NEXT: Final = re.compile(r"[\\\x00-\x1f\x7f]")

_mounted = False


def mounted() -> bool:
    """True when `session_routes()` was mounted in this server process (`serve.py`)."""
    return _mounted


def base_path() -> str:
    """Streamlit's `server.baseUrlPath` as `/prefix` (or `""` at the site root)."""
    from streamlit import config

    value = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{value}" if value else ""


def cookie_path() -> str:
    return base_path() or "/"


def route_url(path: str) -> str:
    """The browser-side URL of one of our routes (`OPEN_PATH`, `CLOSE_PATH`)."""
    return base_path() + path


def safe_next(value: str | None) -> str:
    """`value` when it is a path on this site, else the home page: the redirect never leaves
    the site (no scheme, no host, no `//` or backslash tricks, no control characters)."""
    home = cookie_path()
    if not value or _UNSAFE_NEXT.search(value) or not value.startswith("/"):
        return home
    if value.startswith("//"):
        return home
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return home
    return value


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return make_engine(url, application_name="cac311-auth")


def _auth_url() -> str:
    # Imported here: `session` imports Streamlit's script API, which this module does not need
    # until a request arrives (and tests import this module without a server).
    from cac311.auth.session import auth_database_url

    return auth_database_url(resolve_database_url())


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _redeem(code: str | None, now: datetime) -> sessions.Redeemed | None:
    policy = sessions.SessionPolicy.from_settings(Settings.from_env())
    return sessions.redeem_code(_engine(_auth_url()), code, now, policy)


def open_session(request: Request) -> Response:
    """`GET OPEN_PATH?next=/page?query`: redeem the code cookie for the session cookie."""
    target = safe_next(request.query_params.get("next"))
    response = _no_store(RedirectResponse(target, status_code=303))
    response.delete_cookie(CODE_COOKIE, path=cookie_path(), samesite="strict")
    now = utc_now()
    try:
        redeemed = _redeem(request.cookies.get(CODE_COOKIE), now)
    except (SQLAlchemyError, UserError):
        log.exception("session route: could not redeem a sign-in code")
        return response
    if redeemed is None:
        log.warning("session route: sign-in code missing, expired or already used")
        return response
    response.set_cookie(
        SESSION_COOKIE,
        redeemed.token,
        max_age=max(int((redeemed.expires_at - now).total_seconds()), 0),
        path=cookie_path(),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


def close_session(request: Request) -> Response:
    """`GET CLOSE_PATH?next=/`: expire the session cookie (the session itself was already ended
    in the database by the sign-out button) and go back to `next`."""
    response = _no_store(
        RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    )
    response.delete_cookie(
        SESSION_COOKIE,
        path=cookie_path(),
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(CODE_COOKIE, path=cookie_path(), samesite="strict")
    return response


def session_routes() -> list[BaseRoute]:
    """The routes for `st.App(routes=...)`; marks them as mounted for the sign-in gate.

    Plain (non-async) endpoints: Starlette runs them in its thread pool, so the database work
    never blocks the event loop that serves every WebSocket.
    """
    global _mounted  # noqa: PLW0603 - one flag per server process, set once at start-up
    _mounted = True
    return [
        Route(route_url(OPEN_PATH), open_session, methods=["GET"]),
        Route(route_url(CLOSE_PATH), close_session, methods=["GET"]),
    ]
