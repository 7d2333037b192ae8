"""One settings pattern: every plugin's settings are one dict over its defaults,
and a key it does not know stops the build naming the closest one.
"""

import pytest

from chapar.build.errors import BuildError
from chapar.settings import SettingsError, concern
from conftest import build_site, make_site, news_item

DEFAULTS = {"days": 2, "name": None, "pages": ["a"], "enabled": True, "ratio": 0.5}


def test_a_concern_is_its_defaults_under_the_sites_keys():
    assert concern({}, "X", DEFAULTS) == DEFAULTS
    assert concern({"X": None}, "X", DEFAULTS) == DEFAULTS
    merged = concern({"X": {"days": 5, "name": "n", "pages": ("b",), "ratio": 1}}, "X", DEFAULTS)
    assert merged == {**DEFAULTS, "days": 5, "name": "n", "pages": ("b",), "ratio": 1}
    assert DEFAULTS["days"] == 2  # the defaults are not changed


@pytest.mark.parametrize(
    ("given", "problems"),
    [
        ({"dayz": 3}, ["X: unknown key 'dayz'; did you mean 'days'?"]),
        ({"colour": 1}, ["X: unknown key 'colour'; known: days, name, pages, enabled, ratio"]),
        ({"days": "2"}, ["X['days'] must be like 2; got '2'"]),
        ({"days": True}, ["X['days'] must be like 2; got True"]),
        ({"enabled": 1}, ["X['enabled'] must be like True; got 1"]),
        ({"pages": "a"}, ["X['pages'] must be like ['a']; got 'a'"]),
        (
            {"dayz": 3, "enabled": "no"},
            [
                "X: unknown key 'dayz'; did you mean 'days'?",
                "X['enabled'] must be like True; got 'no'",
            ],
        ),
    ],
)
def test_unknown_keys_and_wrong_kinds_are_named(given, problems):
    with pytest.raises(SettingsError) as err:
        concern({"X": given}, "X", DEFAULTS)
    assert err.value.problems == problems


def test_a_value_that_is_not_a_dict_is_named():
    with pytest.raises(SettingsError, match="X must be a dict of days, name"):
        concern({"X": False}, "X", DEFAULTS)


# Each plugin's concern, with a typo of one of its keys.
TYPOS = {
    "COMMENTS": ("endpont", "endpoint"),
    "AWARDS": ("pth", "path"),
    "JALALI_ARCHIVE": ("index_ur", "index_url"),
    "READER_THEME": ("related_news", "related_news_max"),
    "SEARCH": ("enable", "enabled"),
    "NEWS_SITEMAP": ("day", "days"),
    "ESCAPING": ("exclud", "exclude"),
    "PAGE_CACHE": ("enable", "enabled"),
}


@pytest.mark.parametrize("name", sorted(TYPOS))
def test_every_plugin_stops_the_build_on_a_typo_in_its_settings(tmp_path, name):
    typo, meant = TYPOS[name]
    site = make_site(tmp_path, news={"a.md": news_item(1)})
    with pytest.raises(BuildError) as err:
        build_site(site, **{name: {typo: 1}})
    assert f"{name}: unknown key {typo!r}; did you mean {meant!r}?" in err.value.problems
    assert not (site / "output").exists()
