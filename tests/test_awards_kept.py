"""The award objects kept between builds (chapar/awards/kept.py): a rebuild
with the same tables reads none of them, and still equals a clean build.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import chapar_awards.generator as awards_generator
from awards_helpers import AWARDS, FESTIVALS, write_awards
from chapar.awards import kept, records
from chapar.awards.validation import load
from chapar.build.errors import BuildError
from conftest import build_site, make_site, news_item
from test_builds import differences

ROOT = Path(__file__).resolve().parent.parent
CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
SETTINGS = {
    "agency_url": "a/{id}/",
    "agency_save_as": "a/{id}/index.html",
    "festival_url": "f/{id}/",
    "festival_save_as": "f/{id}/index.html",
}
NEWS = {"1397/4385870.md": news_item(4385870, extra="Agencies: registry")}


@pytest.fixture
def reads(monkeypatch):
    """The folders the awards generator reads tables from, in this test."""
    folders = []

    def counting_load(folder, *args, **kwargs):
        folders.append(folder)
        return load(folder, *args, **kwargs)

    monkeypatch.setattr(awards_generator, "load", counting_load)
    return folders


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path, news=NEWS)
    shutil.rmtree(root / "data" / "awards")
    write_awards(root / "data" / "awards")
    build_site(root, **CACHED)
    return root


def open_data(folder):
    """What ``opendata.write`` would write, for the store's own tests."""
    Path(folder).mkdir()
    Path(folder, "awards.csv").write_text("festival,agency\n", "utf-8")


def rebuild(site, tmp_path):
    """A cached rebuild, checked against a clean build of the same input."""
    incremental = build_site(site, **CACHED)
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(incremental, clean) == []
    shutil.rmtree(clean)
    return incremental


def test_a_rebuild_with_the_same_tables_reads_none_of_them(site, tmp_path, reads):
    out = rebuild(site, tmp_path)
    assert len(reads) == 1  # the clean build's only
    data = out / "awards" / "data"
    assert sorted(p.name for p in data.iterdir()) == [
        "awards.csv",
        "awards.json",
        "datapackage.json",
    ]
    assert "اداره کل ثبت احوال" in data.joinpath("awards.csv").read_text("utf-8-sig")


def test_a_changed_table_is_read_again(site, tmp_path, reads):
    table = site / "data" / "awards" / "awards.csv"
    table.write_text(AWARDS + "rajaei-1397,post,,نوآوری,برگزیده,\n", "utf-8")
    out = rebuild(site, tmp_path)
    assert len(reads) == 2  # the rebuild's and the clean build's
    assert "نوآوری" in (out / "awards" / "agency" / "post" / "index.html").read_text("utf-8")
    assert "نوآوری" in (out / "awards" / "data" / "awards.csv").read_text("utf-8-sig")


def test_news_are_linked_again_to_kept_agencies(site, tmp_path, reads):
    news = site / "content" / "news" / "1397" / "4385871.md"
    news.write_text(news_item(4385871, title="خبر تازه پست", extra="Agencies: post"), "utf-8")
    out = rebuild(site, tmp_path)
    assert len(reads) == 1  # the clean build's: the rebuild kept the tables' objects
    page = (out / "awards" / "agency" / "post" / "index.html").read_text("utf-8")
    assert "خبر تازه پست" in page
    registry = (out / "awards" / "agency" / "registry" / "index.html").read_text("utf-8")
    assert "خبر تازه پست" not in registry


def test_an_unknown_agency_in_a_story_stops_a_build_with_kept_tables(site, reads):
    news = site / "content" / "news" / "1397" / "4385871.md"
    news.write_text(news_item(4385871, extra="Agencies: pots"), "utf-8")
    with pytest.raises(BuildError) as error:
        build_site(site, **CACHED)
    assert reads == []
    assert "4385871.md:" in str(error.value)
    assert "unknown agency id 'pots'" in str(error.value)


def test_a_table_problem_stops_every_build_until_it_is_mended(site, tmp_path, reads):
    table = site / "data" / "awards" / "awards.csv"
    table.write_text(AWARDS + "rajaei-1397,nobody,,نوآوری,برگزیده,\n", "utf-8")
    for _ in range(2):
        with pytest.raises(BuildError) as error:
            build_site(site, **CACHED)
        assert "awards.csv:4:" in str(error.value)
    assert len(reads) == 2
    table.write_text(AWARDS, "utf-8")  # mended: the same tables as the kept objects'
    rebuild(site, tmp_path)
    assert len(reads) == 3  # only the clean build read them


def test_a_kept_file_that_cannot_be_read_is_built_again(site, tmp_path, reads):
    (site / "cache" / "awards" / kept.SITE).write_bytes(b"not a pickle")
    rebuild(site, tmp_path)
    assert len(reads) == 2


def test_the_key_is_of_the_tables_the_settings_the_year_and_the_code(tmp_path, monkeypatch):
    folder = write_awards(tmp_path / "awards")
    settings = {"agency_url": "awards/agency/{id}/"}
    first = kept.inputs_key(folder, settings, 1405)
    assert kept.inputs_key(folder, dict(settings), 1405) == first
    assert kept.inputs_key(folder, {"agency_url": "agency/{id}/"}, 1405) != first
    assert kept.inputs_key(folder, settings, 1406) != first  # "a future year" moves
    (folder / "awards-1398.csv").write_text(AWARDS, "utf-8")
    assert kept.inputs_key(folder, settings, 1405) != first
    (folder / "awards-1398.csv").unlink()
    (folder / "festivals.csv").write_text(FESTIVALS.replace(",32", ",33"), "utf-8")
    assert kept.inputs_key(folder, settings, 1405) != first
    (folder / "festivals.csv").write_text(FESTIVALS, "utf-8")
    assert kept.inputs_key(folder, settings, 1405) == first
    monkeypatch.setattr(kept, "code_digest", lambda: "other code")
    assert kept.inputs_key(folder, settings, 1405) != first


def test_a_save_that_fails_half_way_keeps_the_previous_objects(tmp_path):
    data, problems = load(str(write_awards(tmp_path / "awards")))
    assert problems == []
    site = records.build(data, SETTINGS)
    store = kept.Kept(str(tmp_path / "cache"))
    store.save("one", data.index, site, open_data)
    assert site.rows  # the caller's objects keep their rows
    index, loaded = store.load("one")
    assert index.ids() == data.index.ids()
    assert [a.id for a in loaded.agencies] == [a.id for a in site.agencies]
    assert loaded.rows == []  # kept as the open data files instead

    def dies(folder):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        store.save("two", data.index, site, dies)
    assert store.load("two") is None
    assert store.load("one") is not None
    assert sorted(p.name for p in (tmp_path / "cache" / "awards").iterdir()) == [
        "data-one",
        "site.pickle",
    ]
    store.save("two", data.index, site, open_data)
    assert store.load("one") is None
    assert store.load("two") is not None
    assert sorted(p.name for p in (tmp_path / "cache" / "awards").iterdir()) == [
        "data-two",
        "site.pickle",
    ]


def test_off_when_pelicans_content_cache_is_off(tmp_path):
    data, _ = load(str(write_awards(tmp_path / "awards")))
    site = records.build(data, SETTINGS)
    off = kept.Kept(str(tmp_path / "cache"), load=False, save=False)
    off.save("one", data.index, site, open_data)
    assert not (tmp_path / "cache").exists()
    on = kept.Kept(str(tmp_path / "cache"))
    on.save("one", data.index, site, open_data)
    assert off.load("one") is None
    assert on.load("one") is not None


def test_the_project_site_keeps_its_awards(tmp_path, reads):
    root = make_site(tmp_path, news={"1397/5.md": news_item(5)})
    build_site(root, **CACHED)
    rebuild(root, tmp_path)
    assert len(reads) == 2  # the first build's and the clean build's
    assert (root / "cache" / "awards" / kept.SITE).exists()


def pandas_imported_by_a_build(site):
    """Whether a cached build of ``site``, in a process of its own, imported pandas."""
    script = (
        "import os, sys\n"
        "from chapar.build import runner\n"
        "runner.build('pelicanconf.py', output='output', CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)\n"
        "print('pandas' in sys.modules)\n"
    )
    paths = os.pathsep.join([str(ROOT), str(ROOT / "plugins")])
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=site,
        env={**os.environ, "PYTHONPATH": paths},
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.split()[-1] == "True"


def test_a_build_with_kept_tables_does_not_import_pandas(site):
    # pandas costs a quarter of a second to import; only a build that reads the tables needs it
    assert not pandas_imported_by_a_build(site)
    (site / "data" / "awards" / "awards.csv").write_text(AWARDS + "\n", "utf-8")  # a new table
    assert pandas_imported_by_a_build(site)
