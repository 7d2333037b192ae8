"""The desk's HTTP face: ``/desk/`` routes, sign-in, form tokens and security headers.

Mounted by :func:`chapar.intake.app.create_app` at ``/desk`` (always: a
service with no moderators file lets no one in).  Every page but the
sign-in form needs a session: pages answer 302 to ``/desk/login``, the JSON
and the static files 401.  Every POST needs the form token of its session
and an ``Origin`` (or ``Referer``) of the desk's own origin (README.md,
Moderators' desk).
"""

import base64
import hashlib
import hmac
import html
import logging
import os
import re
import secrets
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, Router

from chapar.intake.review.accounts import Accounts
from chapar.intake.review.audit import AuditLog
from chapar.intake.review.decide import DECISIONS, Choice, Decider
from chapar.intake.review.queue import QueueReader, valid_key
from chapar.intake.review.sessions import SessionBook
from chapar.intake.review.signin import SignInThrottle
from chapar.persian.text import to_persian_digits

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
THEME = HERE.parents[2] / "theme"
SECRET_ENV = "CHAPAR_DESK_SECRET"
COOKIE = "chapar_desk"
MAX_FORM = 256 * 1024  # bytes: a form with every listed comment's fields
MAX_KEYS = 500
FORM = "application/x-www-form-urlencoded"

# the site's own CSS (theme/css) the desk reuses, in the reader theme's order, then its own
SITE_CSS = ("variables.css", "fonts.css", "base.css", "buttons.css", "forms.css", "notices.css")
FONTS = ("vazirmatn-arabic-wght-normal.woff2", "vazirmatn-latin-wght-normal.woff2")

RULE_NAMES = {
    "length": "طول نظر",
    "too-long": "بلندتر از حد مجاز",
    "no-insults": "توهین یا اتهام",
    "persian-only": "غیر فارسی",
    "on-topic": "نامرتبط با خبر",
    "links": "پیوندهای زیاد",
    "duplicate": "تکراری",
    "thread": "پاسخ به نظر منتشرنشده",
    "editor": "تصمیم ویراستار",
}
STATUS_NAMES = {"held": "در انتظار", "rejected": "ردشده", "published": "منتشرشده"}
FILE_STATUS_NAMES = {"": "بی‌تصمیم", "approved": "تأییدشده", "rejected": "ردشده"}
SECTIONS = (
    ("held", "در انتظار تصمیم", (("approved", "انتشار"), ("rejected", "رد"))),
    ("rejected", "ردشده‌های اخیر", (("approved", "انتشار"),)),
    ("published", "منتشرشده‌های اخیر", (("rejected", "برداشتن"),)),
)
# the sign-in page's only style, allowed by its hash: no static file is served before sign-in
LOGIN_STYLE = (
    "body{margin:0;font-family:Tahoma,sans-serif;line-height:1.9;background:#f4f4f2;color:#1b1b1b}"
    ".login{max-inline-size:24rem;margin:2.5rem auto;padding:1rem}"
    ".form{display:grid;gap:1rem}.form__field{display:grid;gap:.25rem}"
    "input{font:inherit;min-block-size:2.75rem;padding:.25rem .5rem}"
    ".button{font:inherit;font-weight:700;min-block-size:2.75rem;padding:.25rem 1rem;"
    "background:#b3161b;color:#fff;border:0;border-radius:.5rem}"
    ".notice--error{padding:1rem;background:#fde8e8}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(LOGIN_STYLE.encode()).digest()).decode()
CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
LOGIN_CSP = CSP + f"; style-src 'sha256-{_STYLE_HASH}'"
HEADERS = (
    ("content-security-policy", CSP),
    ("referrer-policy", "same-origin"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
)
_ARTICLE = re.compile(r"^[0-9]{1,12}$")
_RULE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def desk_secret(secret_file=""):
    """The cookies' signing key: ``$CHAPAR_DESK_SECRET``, else the file ``secret_file``
    (kept outside git), else a random one for this process (sessions end at a restart).
    """
    value = os.environ.get(SECRET_ENV, "")
    if not value and secret_file:
        value = Path(secret_file).read_text(encoding="utf-8").strip()
    if not value:
        logger.warning(
            "desk: no %s and no --desk-secret-file: a random key, sessions end at restart",
            SECRET_ENV,
        )
        return secrets.token_urlsafe(48)
    if len(value) < 32:  # noqa: PLR2004
        raise ValueError("the desk's secret must have at least 32 characters")
    return value


def site_css():
    """The desk's stylesheet: the site's CSS (fonts served under /desk/static/fonts/) and its own."""
    parts = [(THEME / "css" / name).read_text(encoding="utf-8") for name in SITE_CSS]
    parts.append((HERE / "static" / "desk.css").read_text(encoding="utf-8"))
    return "\n".join(parts).replace("../fonts/", "fonts/")


class SecurityHeaders:
    """ASGI middleware: the desk's security headers on every answer (a route's own CSP kept)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        """Pass the request on; add the headers to the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Forbidden(Exception):
    def __init__(self, status, message):
        self.status, self.message = status, message


def _own_origin(request):
    return f"{request.url.scheme}://{request.url.netloc}".lower()


def _check_origin(request):
    from chapar.intake.app import _origin  # the intake's reading of Origin, else Referer

    if _origin(request) != _own_origin(request):
        raise _Forbidden(403, "این درخواست از صفحه‌های میز ناظران نیامده است.")


async def _form(request):
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != FORM:
        raise _Forbidden(415, "فرم نادرست است.")
    from chapar.intake.app import _read_body  # the intake's bounded read
    from chapar.intake.desk import Refused

    try:
        body = await _read_body(request, MAX_FORM)
    except Refused:
        raise _Forbidden(413, "فرم بیش از اندازه بزرگ است.") from None
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=4 * MAX_KEYS,
        )
    except (UnicodeDecodeError, ValueError):
        raise _Forbidden(400, "فرم نادرست است.") from None
    fields = {}
    for key, value in pairs:
        fields.setdefault(key, []).append(value)
    return fields


def _one(fields, name):
    values = fields.get(name, [])
    return values[0] if len(values) == 1 else ""


def _check_token(request, fields):
    expected = request.session.get("csrf", "")
    given = _one(fields, "csrf")
    if not expected or not hmac.compare_digest(str(expected).encode(), given.encode()):
        raise _Forbidden(403, "نشانهٔ فرم نادرست یا کهنه است؛ صفحه را دوباره باز کنید.")


def _filters(article, rule):
    article = article if _ARTICLE.fullmatch(article or "") else ""
    rule = rule if _RULE.fullmatch(rule or "") else ""
    return article, rule


def _desk_url(article="", rule="", pick=""):
    query = urlencode(
        {k: v for k, v in (("article", article), ("rule", rule), ("pick", pick)) if v}
    )
    return "/desk/" + (f"?{query}" if query else "")


def create_desk(
    config,
    rules,
    limit,
    committer=None,
    clock=None,
    throttle=None,
    secret=None,
):
    """The desk's ASGI app for ``config`` (mount it at ``/desk``).

    ``rules``: the service's loaded rules; ``limit``: COMMENTS["max_characters"];
    ``committer``: the git worker in git mode; ``clock`` (seconds since the
    epoch) and ``throttle`` (a :class:`SignInThrottle`) are for the tests.
    """
    accounts = Accounts(config.moderators)
    book = SessionBook(config.desk_max_age, clock=clock)
    throttle = throttle or SignInThrottle()
    decider = Decider(config.root, AuditLog(config.audit_log), committer)
    css = site_css().encode("utf-8")
    fonts = {name: (THEME / "static" / "fonts" / name).read_bytes() for name in FONTS}
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    env.filters["fa"] = to_persian_digits
    templates = {name: env.get_template(f"{name}.html") for name in ("login", "desk")}

    reader = QueueReader(config.root, rules, limit, config.article_url)
    queue = reader.read

    def signed_in(request):
        return book.find(request.session.get("sid"), accounts)

    def page(template, status=200, headers=None, **values):
        return HTMLResponse(
            templates[template].render(**values), status_code=status, headers=headers
        )

    def login_page(request, status=200, error="", name="", headers=None):
        token = request.session.get("csrf") or secrets.token_urlsafe(32)
        request.session["csrf"] = token
        headers = {"content-security-policy": LOGIN_CSP, **(headers or {})}
        return page(
            "login",
            status,
            headers,
            csrf=token,
            error=error,
            name=name,
            style=Markup(LOGIN_STYLE),
        )

    def refused(error):
        return HTMLResponse(
            '<!DOCTYPE html><html lang="fa" dir="rtl"><meta charset="utf-8">'
            f"<title>میز ناظران</title><p>{html.escape(error.message)}</p>"
            '<p><a href="/desk/">بازگشت به میز</a></p></html>',
            status_code=error.status,
        )

    async def login_form(request):
        session, _moderator = signed_in(request)
        if session is not None:
            return RedirectResponse("/desk/", status_code=303)
        return login_page(request)

    async def login(request):
        try:
            _check_origin(request)
            fields = await _form(request)
            _check_token(request, fields)
        except _Forbidden as error:
            return refused(error)
        name = _one(fields, "name").strip()[:64]
        password = _one(fields, "password")[:1024]
        address = request.client.host if request.client else ""
        keys = (f"addr:{address}", f"name:{name}")
        wait = throttle.attempt(*keys)  # counted as failed until it succeeds
        if wait > 0:
            seconds = int(wait) + 1
            message = (
                f"ورود برای {to_persian_digits(seconds // 60 + 1)} دقیقه قفل شده است."
                if throttle.locked(*keys)
                else f"تلاش‌های ناموفق پیاپی: {to_persian_digits(seconds)} ثانیهٔ دیگر دوباره بکوشید."
            )
            return login_page(request, 429, message, name, headers={"Retry-After": str(seconds)})
        moderator = await run_in_threadpool(accounts.verify, name, password)
        if moderator is None:
            logger.warning("desk: failed sign-in for %r", name)
            return login_page(request, 401, "نام کاربری یا گذرواژه نادرست است.", name)
        throttle.succeeded(*keys)
        sid = book.open(moderator)
        request.session.clear()
        request.session.update({"sid": sid, "csrf": secrets.token_urlsafe(32)})
        logger.info("desk: %s signed in", moderator.name)
        return RedirectResponse("/desk/", status_code=303)

    async def logout(request):
        session, moderator = signed_in(request)
        if session is None:
            return RedirectResponse("/desk/login", status_code=302)
        try:
            _check_origin(request)
            _check_token(request, await _form(request))
        except _Forbidden as error:
            return refused(error)
        book.close(session.id)
        request.session.clear()
        logger.info("desk: %s signed out", moderator.name)
        return RedirectResponse("/desk/login", status_code=303)

    async def desk(request):
        session, moderator = signed_in(request)
        if session is None:
            return RedirectResponse("/desk/login", status_code=302)
        article, rule = _filters(
            request.query_params.get("article", ""), request.query_params.get("rule", "")
        )
        # ?pick=held: the held comments shown come ticked (README.md, Moderators' desk)
        picked = request.query_params.get("pick", "") == "held"
        everything = await run_in_threadpool(queue)
        shown = everything.filtered(article, rule)
        flash = request.session.pop("flash", [])
        sections = [
            (section, title, getattr(shown, section), actions)
            for section, title, actions in SECTIONS
        ]
        return page(
            "desk",
            queue=everything,
            all=everything,
            sections=sections,
            article=article,
            rule=rule,
            picked=picked,
            pick_url=_desk_url(article, rule, "" if picked else "held") + "#held",
            csrf=request.session.get("csrf", ""),
            moderator=moderator.name,
            flash=flash,
            rule_names=RULE_NAMES,
            status_names=STATUS_NAMES,
        )

    async def decide(request):
        session, moderator = signed_in(request)
        if session is None:
            return RedirectResponse("/desk/login", status_code=302)
        try:
            _check_origin(request)
            fields = await _form(request)
            _check_token(request, fields)
            decision, keys = _choices(fields)
        except _Forbidden as error:
            return refused(error)
        listed = await run_in_threadpool(queue)
        items = {i.key: i for i in listed.held + listed.rejected + listed.published}
        choices = [
            Choice(
                key,
                _one(fields, f"seen:{key}"),
                items[key].status if key in items else "",
                items[key].rule if key in items else "",
            )
            for key in keys
        ]
        try:
            outcomes = await run_in_threadpool(decider.decide, moderator, choices, decision)
        except ValueError:
            return refused(_Forbidden(400, "نظر نامعتبر."))
        for key in keys:  # a Status rewritten within the clock's tick keeps size and time
            reader.forget(key.partition("/")[0])
        request.session["flash"] = _messages(outcomes, decision)
        article, rule = _filters(_one(fields, "article"), _one(fields, "rule"))
        return RedirectResponse(_desk_url(article, rule), status_code=303)

    async def queue_json(request):
        session, _moderator = signed_in(request)
        if session is None:
            return JSONResponse({"error": "sign in at /desk/login"}, status_code=401)
        listed = await run_in_threadpool(queue)
        return JSONResponse(
            {
                "waiting": listed.waiting,
                "held": [
                    {
                        "comment": i.key,
                        "rule": i.rule,
                        "reason": i.reason,
                        "date": i.date.isoformat(),
                    }
                    for i in listed.held
                ],
            }
        )

    async def static(request):
        session, _moderator = signed_in(request)
        if session is None:
            return Response("sign in at /desk/login", status_code=401, media_type="text/plain")
        name = request.path_params["name"]
        if name == "desk.css":
            return Response(css, media_type="text/css; charset=utf-8")
        if name.startswith("fonts/") and name[6:] in fonts:
            return Response(fonts[name[6:]], media_type="font/woff2")
        return Response("not found", status_code=404, media_type="text/plain")

    router = Router(
        routes=[
            Route("/", desk, methods=["GET"]),
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/decide", decide, methods=["POST"]),
            Route("/queue.json", queue_json, methods=["GET"]),
            Route("/static/{name:path}", static, methods=["GET"]),
        ],
        redirect_slashes=False,
    )
    app = SessionMiddleware(
        router,
        secret_key=secret or desk_secret(config.desk_secret_file),
        session_cookie=COOKIE,
        max_age=config.desk_max_age,
        path="/desk",
        same_site="strict",
        https_only=config.desk_secure_cookies,
    )
    wrapped = SecurityHeaders(app)
    wrapped.accounts, wrapped.sessions, wrapped.throttle, wrapped.decider = (
        accounts,
        book,
        throttle,
        decider,
    )
    wrapped.reader = reader
    wrapped.warm = lambda: warm(reader, config.moderators)
    return wrapped


def warm(reader, moderators):
    """Read the queue once in a background thread, so the first desk page after a
    start finds it read (README.md, Moderators' desk); the started thread, or
    ``None`` when there is no moderators file (no one can sign in: nothing to warm).
    """
    if not Path(moderators).is_file():
        return None

    def read():
        start = time.perf_counter()
        try:
            queue = reader.read()
        except Exception:  # the first page reads it again and shows the error
            logger.exception("desk: reading the queue at start failed")
            return
        logger.info(
            "desk: queue read at start in %.1f s (%d held)",
            time.perf_counter() - start,
            queue.waiting,
        )

    thread = threading.Thread(target=read, name="desk-warm", daemon=True)
    thread.start()
    return thread


def _choices(fields):
    """``(decision, keys)`` from the form: one comment's button, or the checked ones."""
    one = _one(fields, "one")
    if one:
        decision, _, key = one.partition(" ")
        keys = [key]
    else:
        decision = _one(fields, "decision")
        keys = list(dict.fromkeys(fields.get("key", [])))
    if decision not in DECISIONS:
        raise _Forbidden(400, "تصمیم نامعتبر.")
    if not keys:
        raise _Forbidden(400, "هیچ نظری انتخاب نشده است.")
    if len(keys) > MAX_KEYS or not all(valid_key(k) for k in keys):
        raise _Forbidden(400, "نظر نامعتبر.")
    for key in keys:
        if len(fields.get(f"seen:{key}", [])) != 1:
            raise _Forbidden(400, "نظر نامعتبر.")
    return decision, keys


def _messages(outcomes, decision):
    """The flash messages (kind, text) on a decision's outcomes."""
    done = [o for o in outcomes if o.result == "done"]
    messages = []
    if done:
        verb = "منتشر می‌شود" if decision == "approved" else "رد شد"
        messages.append(("success", f"{to_persian_digits(len(done))} نظر {verb}."))
    for o in outcomes:
        if o.result == "conflict":
            who = o.by or "کس دیگری"
            now = FILE_STATUS_NAMES.get(o.status, o.status)
            text = f"نظر {o.key} را پیش‌تر {who} تصمیم گرفته بود (اکنون: {now})؛ چیزی نوشته نشد."
            messages.append(("error", text))
        elif o.result == "missing":
            messages.append(("error", f"نظر {o.key} پیدا نشد."))
    errors = {o.error for o in done if o.error}
    for error in errors:
        messages.append(("error", f"تصمیم نوشته شد ولی در git ثبت نشد: {error}"))
    return messages
