"""The output's page folders are made ahead of the writer, in a
thread (plugins/chapar_output_folders); the site is the same, and a failed build
leaves nothing behind.
"""

import os

import pytest
from test_awards_site import AGENCIES, AWARDS, FESTIVALS, NEWS

import chapar_output_folders as output_folders
from awards_helpers import write_awards
from chapar_awards.generator import AwardsGenerator
from conftest import build_site, make_site, news_item
from test_builds import differences


def test_folders_come_parents_first_once_each_and_never_outside(tmp_path):
    names = [
        "news/1/index.html",
        "news/2/index.html",
        "index.html",
        "awards/agency/a/index.html",
        "../escape/index.html",
    ]
    assert output_folders.folders("/out", names) == [
        "/out/news",
        "/out/news/1",
        "/out/news/2",
        "/out/awards",
        "/out/awards/agency",
        "/out/awards/agency/a",
    ]


@pytest.fixture
def site(tmp_path):
    news = dict(NEWS)
    for code in range(2000, 2010):
        news[f"1398/{code}.md"] = news_item(code, f"خبر {code}", "1398/02/01 10:00")
    site = make_site(tmp_path, news=news)
    write_awards(site / "data/awards", agencies=AGENCIES, festivals=FESTIVALS, awards=AWARDS)
    return site


def test_the_thread_makes_every_news_and_award_folder_and_the_site_is_the_same(
    site, tmp_path, monkeypatch
):
    ahead = build_site(site, output=tmp_path / "ahead")
    # news items (13), agencies (6), festivals (2), and news/, awards/,
    # awards/agency/, awards/festival/
    assert output_folders.LAST_BUILD == {"folders": 13 + 6 + 2 + 4, "made": 25}
    assert os.path.isdir(ahead / "news/2005")
    assert os.path.isdir(ahead / "awards/agency/post")
    monkeypatch.setattr(output_folders, "folders", lambda root, names: [])
    plain = build_site(site, output=tmp_path / "plain")
    assert output_folders.LAST_BUILD["made"] == 0  # Pelican made every folder itself
    assert differences(ahead, plain) == []


def test_a_build_that_fails_while_writing_stops_the_thread_and_leaves_no_folder(
    site, tmp_path, monkeypatch
):
    def broken(self, writer):
        raise RuntimeError("a template broke")

    monkeypatch.setattr(AwardsGenerator, "generate_output", broken)
    with pytest.raises(RuntimeError):
        build_site(site, output=tmp_path / "out")
    assert output_folders._current == []
    left = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if "site" not in p.parts]
    assert left == []  # no staging folder left, no output


def test_a_build_that_fails_while_search_indexes_leaves_no_folder(site, tmp_path, monkeypatch):
    # the news shards are being indexed (into the staging folder) when the
    # awards fail: the indexer and its pagefind are stopped before it is removed
    from chapar.search import shards

    started = []
    submit = shards.ShardIndexer.submit

    def submit_and_fail_soon(self, batch):
        started.append(batch)
        return submit(self, batch)

    def broken(self, writer):
        raise RuntimeError("a template broke")

    monkeypatch.setattr(shards.ShardIndexer, "submit", submit_and_fail_soon)
    monkeypatch.setattr(AwardsGenerator, "generate_output", broken)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            build_site(site, output=tmp_path / "out")
        left = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if "site" not in p.parts]
        assert left == []
    assert started
    assert not shards._LIVE
