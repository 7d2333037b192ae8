"""The HTTP face of the desk: Starlette routes, limits and answers.

``POST /comments/<NewsCode>`` takes the static form (answered with a 303
back to the article, or an HTML page naming the problem) or JSON (answered
with JSON).  Checks run cheapest first: rate, origin, NewsCode, size,
content type, encoding, fields; then the desk (article, reply, rules, write)
in a worker thread.  The moderators' desk (:mod:`.review`) is mounted at
``/desk`` after them, always (no moderators file: no one signs in), but
with the benchmark's hidden ``--no-desk``.
"""

import html
import json
import logging
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Mount, Route

from chapar.intake.desk import FIELDS, Desk, Refused, news_code
from chapar.intake.limits import RateLimiter
from chapar.intake.messages import PAGE, PAGE_TITLE
from chapar.intake.openapi import openapi_document

logger = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
FRAGMENTS = {"published": "comments-sent", "held": "comments-held"}  # ids in partials/comments.html
APPEARS = {"published": "after-next-build", "held": "after-review"}


def create_app(config):
    """The ASGI app for ``config`` (:class:`chapar.intake.config.Config`)."""
    committer = None
    if config.commit:
        from chapar.intake.gitsync import GitCommitter

        (config.content / config.comments_path).mkdir(exist_ok=True)
        committer = GitCommitter(
            config.content / config.comments_path, push=config.push, remote=config.remote
        )
    desk = Desk(
        config.content,
        config.rules,
        comments_path=config.comments_path,
        max_name=config.max_name,
        max_email=config.max_email,
        on_written=committer.add if committer else None,
    )
    limiter = RateLimiter(config.rate_limit)
    writes = _Writes()
    allowed = frozenset(config.allowed_origins)

    @asynccontextmanager
    async def lifespan(app):
        desk.remove_stale_temps()
        if committer is not None:
            committer.start()
        if app.state.review is not None:  # not awaited: the intake is ready meanwhile
            app.state.warming = app.state.review.warm()
        logger.info("comment intake: %s, posts from %s", config.content, ", ".join(sorted(allowed)))
        yield
        if committer is not None:
            await run_in_threadpool(committer.close)

    async def post_comment(request):
        as_json = _wants_json(request)
        code = None
        try:
            retry = limiter.hit(request.client.host if request.client else "")
            if retry:
                raise _RateLimited(retry)
            if _origin(request) not in allowed:
                raise Refused(403, "origin")
            code = news_code(request.path_params["code"])
            raw = _parse(
                request.headers.get("content-type", ""), await _read_body(request, config.max_body)
            )
            accepted = await run_in_threadpool(desk.submit, code, raw)
        except Refused as refused:
            return _refusal(refused, as_json, config, code)
        except OSError as error:  # a full disk, a read-only or broken comments folder
            logger.exception("comment on %s: could not be written", code)
            writes.failed(error)
            return _refusal(Refused(500, "server"), as_json, config, code)
        except Exception:
            logger.exception("comment on %s: unexpected failure", code)
            return _refusal(Refused(500, "server"), as_json, config, code)
        if accepted.path is not None:  # written (not the bot trap): writing works again
            writes.error = None
        if as_json:
            return JSONResponse(
                {
                    "status": accepted.status,
                    "id": accepted.id,
                    "news_code": accepted.code,
                    "appears": APPEARS[accepted.status],
                    "message": accepted.message,
                },
                status_code=202,
            )
        url = f"{config.article_url(accepted.code)}#{FRAGMENTS[accepted.status]}"
        return RedirectResponse(url, status_code=303)

    async def openapi(request):
        return JSONResponse(openapi_document(config))

    async def health(request):
        # README, "Health": 200 when every acknowledged comment is safe and on its way,
        # 503 (with the error) when writes or commits are failing
        report = {"ok": True, "git": committer is not None, "pending_commits": 0}
        if committer is not None:
            report.update(committer.health())
        report["write_error"] = writes.error
        report["ok"] = report["ok"] and writes.error is None
        return JSONResponse(
            report, status_code=200 if report["ok"] else 503, headers={"Cache-Control": "no-store"}
        )

    async def to_desk(request):
        return RedirectResponse("/desk/", status_code=302)

    routes = [
        Route("/comments/{code}", post_comment, methods=["POST"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
    ]
    desk_app = None
    if config.desk:  # always, but for the benchmark's comparison (README.md, Moderators' desk)
        from chapar.intake.review.web import create_desk

        desk_app = create_desk(config, desk.rules, _length_limit(config.root), committer)
        routes += [Route("/desk", to_desk, methods=["GET"]), Mount("/desk", app=desk_app)]
    app = Starlette(
        routes=routes,
        # the in-page script posts JSON from the site's origin: a preflight
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=sorted(allowed),
                allow_methods=["POST"],
                allow_headers=["Content-Type", "Accept"],
                max_age=3600,
            )
        ],
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # a 307 to a twin URL would only invite a second POST
    app.state.desk = desk
    app.state.committer = committer
    app.state.review = desk_app
    return app


def _length_limit(root):
    """COMMENTS["max_characters"] of the site at ``root`` (README.md, Comments)."""
    from chapar.cli.moderation import length_limit
    from chapar.comments import render

    try:
        return length_limit(root)
    except Exception:  # noqa: BLE001 (a root without pelicanconf.py: the plugin's default)
        return render.MAX_CHARACTERS


class _Writes:
    """The last comment file the service could not write (``None`` once one is written again)."""

    error = None

    def failed(self, error):
        self.error = f"{type(error).__name__}: {error}"


class _RateLimited(Refused):
    def __init__(self, retry_after):
        super().__init__(429, "rate_limited")
        self.retry_after = retry_after


def _wants_json(request):
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return ctype == JSON or JSON in request.headers.get("accept", "")


def _origin(request):
    """The page's origin: ``Origin`` (every current browser sends it on a
    POST), else the ``Referer``'s; ``None`` when neither is there.
    """
    value = request.headers.get("origin") or request.headers.get("referer")
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


async def _read_body(request, limit):
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise Refused(413, "too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, "too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(content_type, body):
    """The form's fields from a form-encoded or JSON body (strict UTF-8)."""
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if media not in (FORM, JSON):
        raise Refused(415, "content_type")
    if charset and charset not in ("utf-8", "utf8"):
        raise Refused(415, "content_type")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "encoding") from None
    if media == JSON:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise Refused(400, "malformed") from None
        if not isinstance(data, dict):
            raise Refused(400, "malformed")
        return {k: v for k, v in data.items() if k in FIELDS}
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=len(FIELDS) * 4,
        )
    except UnicodeDecodeError:
        raise Refused(400, "encoding") from None
    except ValueError:
        raise Refused(400, "malformed") from None
    fields = {}
    for key, value in pairs:
        if key in FIELDS:
            if key in fields:
                raise Refused(400, "field_twice")
            fields[key] = value
    return fields


def _refusal(refused, as_json, config, code):
    headers = {}
    if isinstance(refused, _RateLimited):
        headers["Retry-After"] = str(refused.retry_after)
    if as_json:
        body = {"error": refused.error, "message": refused.message}
        if refused.rule:
            body["rule"] = refused.rule
        return JSONResponse(body, status_code=refused.status, headers=headers)
    back = config.article_url(code) + "#comments" if code else config.site_url + "/"
    page = PAGE.format(
        title=PAGE_TITLE, message=html.escape(refused.message), back=html.escape(back)
    )
    return HTMLResponse(page, status_code=refused.status, headers=headers)
