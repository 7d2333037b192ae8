"""Helpers for the moderators' desk tests: a fixture site with moderators, and a signed-in client."""

import re
import shutil
from pathlib import Path

from starlette.testclient import TestClient

from chapar.intake import Config, create_app
from chapar.intake.review import accounts
from conftest import make_site
from intake_support import EXISTING, ORIGIN, SEED, intake_news

DESK = "https://testserver"  # the desk's own origin in the HTTP tests (Secure cookies need https)
PASSWORDS = {"sara": "sara-password-1", "reza": "reza-password-2"}
XSS_AUTHOR = "<img src=x onerror=\"window.hit('author')\">"
XSS_BODY = (
    "<script>window.hit('script')</script> دولت الکترونیک "
    "<img src=x onerror=\"window.hit('body')\"> خراسان "
    "[پیوند](javascript:window.hit('link'))"
)
COMMENTS = {
    **EXISTING,
    # off-topic: held by on-topic
    f"{SEED}/held2.md": "Author: خوانندهٔ دوم\nDate: 1397/06/05 13:00\n\n"
    "بازار خودرو این ماه شلوغ است و قیمت پراید و پژو دوباره بالا رفته و خریداران منتظرند.\n",
    f"{SEED}/xss.md": f"Author: {XSS_AUTHOR}\nDate: 1397/06/05 14:00\n\n{XSS_BODY}\n",
    f"{SEED}/insult.md": "Author: تندخو\nDate: 1397/06/05 15:00\n\n"
    "این مدیر كلاهبـــردار است و دولت الکترونیک را بهانه کرده\n",
}


def desk_site(tmp_path, comments=None):
    """A fixture site (the intake's articles, held and published comments) with two moderators."""
    site = make_site(
        tmp_path, news=intake_news(), comments=COMMENTS if comments is None else comments
    )
    for name, password in PASSWORDS.items():
        accounts.add(site / "data/moderation/moderators.toml", name, password)
    return site


def desk_app(site, **options):
    """The intake service's app for ``site``, desk mounted (its state under ``app.state.review``)."""
    options.setdefault("site_url", ORIGIN)
    config = Config.from_options(root=site, **options)
    return create_app(config)


def client(app, address="10.0.0.1"):
    """A TestClient on the desk's https origin, from ``address``."""
    return TestClient(app, base_url=DESK, client=(address, 50000), follow_redirects=False)


def token(html):
    """The form token in a desk page."""
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


def sign_in(c, name="sara", password=None):
    """Sign ``c`` in as ``name``; the desk page's HTML."""
    form = c.get("/desk/login")
    answer = c.post(
        "/desk/login",
        data={"csrf": token(form.text), "name": name, "password": password or PASSWORDS[name]},
        headers={"Origin": DESK},
    )
    assert answer.status_code == 303, answer.text
    page = c.get("/desk/")
    assert page.status_code == 200
    return page.text


def decide(c, page, decision, *keys, one=True, origin=DESK, csrf=None, seen=None):
    """POST a decision as the desk's form does (one comment's button, or the checked ones)."""
    seen = seen or {}
    data = [("csrf", token(page) if csrf is None else csrf)]
    if one:
        data.append(("one", f"{decision} {keys[0]}"))
    else:
        data.append(("decision", decision))
        data += [("key", k) for k in keys]
    for key in keys:
        data.append((f"seen:{key}", seen.get(key, "")))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin:
        headers["Origin"] = origin
    from urllib.parse import urlencode

    return c.post("/desk/decide", content=urlencode(data), headers=headers)


def comment_file(site, key):
    """The path of comment ``key``'s file in the fixture site."""
    code, name = key.split("/")
    return Path(site) / "content/comments" / code / f"{name}.md"


def snapshot(site):
    """``{path: bytes}`` of every file under ``site`` (the output and caches aside)."""
    return {
        p: p.read_bytes()
        for p in Path(site).rglob("*")
        if p.is_file() and not p.is_symlink() and ".git" not in p.parts
    }


def copy_site(site, to):
    """A copy of ``site`` (its symlinks kept)."""
    shutil.copytree(site, to, symlinks=True)
    return to
