"""Shared fixtures: build small fixture sites (and the real one) into tmp_path."""

import shutil
from pathlib import Path

import pytest

from safe_build import runner

ROOT = Path(__file__).resolve().parent.parent


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
        return runner.build(
            site / settings, output=output or site / "output", **overrides
        )


def news_item(code, title="خبر آزمایشی", date="1397/06/05 09:07", extra="", body="متن خبر."):
    return (
        f"Title: {title}\nDate: {date}\nNewsCode: {code}\n{extra}\n{body}\n"
    )


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    """The project's own content built once into a temporary folder."""
    out = tmp_path_factory.mktemp("real") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        runner.build(ROOT / "pelicanconf.py", output=out,
                     CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False)
    return out
