"""A newcomer's first build (README.md, command 1) prints no warning."""

import logging

from chapar.build import runner
from conftest import ROOT


def test_the_sample_content_builds_without_a_single_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(ROOT)
    caplog.set_level(logging.WARNING)
    runner.build(
        ROOT / "pelicanconf.py", output=tmp_path / "output", CACHE_PATH=str(tmp_path / "cache")
    )
    warnings = [
        f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING
    ]
    assert warnings == []
    atom = (tmp_path / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert 'href="http://127.0.0.1:8000/feeds/all.atom.xml"' in atom
    # The pages link the feeds where the site is served, not the preview address
    # the feed files carry their own ids under.
    home = (tmp_path / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="/feeds/all.atom.xml"' in home
    assert "127.0.0.1" not in home
