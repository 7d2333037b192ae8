"""Shared fixtures: build small fixture sites (and the real one) into tmp_path."""

import importlib.util
import shutil
from pathlib import Path

import pytest

from chapar.build import runner
from chapar.checks.serve import launch_chromium, serve_folder

ROOT = Path(__file__).resolve().parent.parent


def load_script(path):
    """The Python script at ``path`` (relative to the project: ``bench/…``,
    ``.ci/plan.py``) as a module, for testing its functions.
    """
    spec = importlib.util.spec_from_file_location(Path(path).stem, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_site(tmp_path, news=None, data=True, comments=None):
    """A copy of the project's settings, theme and data around given news files.

    ``news`` maps relative paths under content/news/ to their text (str or bytes).
    Returns the site folder; build it with :func:`build_site`.
    """
    site = tmp_path / "site"
    site.mkdir()
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, site / name)
    (site / "theme").symlink_to(ROOT / "theme")
    (site / "plugins").symlink_to(ROOT / "plugins")
    if data:
        shutil.copytree(ROOT / "data", site / "data")
    news_dir = site / "content" / "news"
    news_dir.mkdir(parents=True)
    # the sample photos, for the seed story copied into many fixture sites (README.md, Photos)
    shutil.copytree(ROOT / "content" / "images", site / "content" / "images")
    (site / "content" / "comments").mkdir()
    for rel, text in (news or {}).items():
        path = news_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    for rel, text in (comments or {}).items():
        path = site / "content" / "comments" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def build_site(site, output=None, settings="pelicanconf.py", **overrides):
    """Build ``site`` the way ``invoke build`` does; returns the output folder."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(site)
        overrides.setdefault("CACHE_CONTENT", False)
        overrides.setdefault("LOAD_CONTENT_CACHE", False)
        return runner.build(site / settings, output=output or site / "output", **overrides)


def refused_build(site):
    """Build ``site`` over an output holding a previous site and expect it to
    fail: returns the problems, once the previous output is shown untouched
    and no staging folder is left behind.
    """
    from chapar.build.errors import BuildError

    output = site / "output"
    output.mkdir()
    (output / "previous.html").write_text("last good site")
    with pytest.raises(BuildError) as err:
        build_site(site, output=output)
    assert [p.name for p in output.iterdir()] == ["previous.html"]
    assert not [p for p in site.iterdir() if p.name.startswith(".output")]
    return err.value.problems


def news_item(code, title="خبر آزمایشی", date="1397/06/05 09:07", extra="", body="متن خبر."):
    return f"Title: {title}\nDate: {date}\nNewsCode: {code}\n{extra}\n{body}\n"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The project's own content built once into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        runner.build(
            ROOT / "pelicanconf.py", output=out, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False
        )
    return out


# --- browser support -------------------------------------------------------


@pytest.fixture(scope="session")
def site_url(real_site):
    """The project's built site served on 127.0.0.1."""
    server, url = serve_folder(real_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and requests leaving 127.0.0.1.

    ``page.console_errors`` and ``page.external_requests`` are lists to assert on.
    """
    context = browser.new_context(viewport={"width": 360, "height": 740})
    pg = context.new_page()
    pg.console_errors = []
    pg.external_requests = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            pg.external_requests.append(url)
            route.abort()

    pg.route("**/*", guard)
    yield pg
    context.close()
