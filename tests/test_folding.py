"""The folding profiles (chapar/persian/folding.py): each folds as the code it
replaced did, and the table the build exports for the browsers is the
Python profiles' own.
"""

import json
import re
import subprocess
import unicodedata

import pytest

from chapar.persian import folding
from chapar.persian.folding import fold
from conftest import ROOT

SEARCH_EXAMPLES = json.loads(
    (ROOT / "tests/data/search_normalize_examples.json").read_text("utf-8")
)
MODERATION_EXAMPLES = json.loads((ROOT / "tests/data/moderation_examples.json").read_text("utf-8"))
JS = ROOT / "theme/static/js/search-normalize.js"

# --- what each profile replaced, as it was written before -------------------

_LOOKALIKES = {
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ۀ": "ه",
    "ة": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
}
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u0640": None})
_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_SEARCH = str.maketrans(
    {**dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2, strict=False)), **_LOOKALIKES}
)
_SEARCH_DROP = re.compile("[\u0640\u064b-\u065f\u0670\u200b-\u200f\ufeff]")
_PAGE_FOLDS = {chr(k): v for k, v in _SEARCH.items()}
_PAGE = re.compile(
    "[" + "".join(_PAGE_FOLDS) + "\u0640\u064b-\u065f\u0670\u200b\u200d-\u200f\ufeff]"
)
_CELL = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "\u0640": None,
        "\u00a0": " ",
        "\t": " ",
        "\u200f": None,
        "\u200e": None,
        "\ufeff": None,
    }
)
_MODERATION = {
    **_LOOKALIKES,
    "\u200c": " ",
    "\u200d": "",
    "\u200b": "",
    "\u2060": "",
    "\ufeff": "",
    "\u00ad": "",
    "\u200e": "",
    "\u200f": "",
    "\u0640": "",
}
_MODERATION.update({d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")})
_MODERATION.update({d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")})
_MODERATION.update({chr(c): "" for c in range(0x064B, 0x0660)})
_MODERATION.update({chr(c): "" for c in range(0x202A, 0x202F)})
_MODERATION.update({chr(c): "" for c in range(0x2066, 0x206A)})
_MODERATION["\u0670"] = ""
_SLUG_RULES = [
    ("\u200c", "-"),
    ("ي", "ی"),
    ("ى", "ی"),
    ("ك", "ک"),
    ("\u0640", ""),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]

BEFORE = {
    "display": lambda t: t.translate(_LETTERS),
    "match": lambda t: (
        re.sub(
            r"[ \t\u00a0]+", " ", t.translate(_LETTERS).translate(_TO_LATIN).replace("\u200c", " ")
        )
        .strip()
        .casefold()
    ),
    "sort": lambda t: t.translate(_LETTERS).translate(_TO_LATIN).strip().casefold(),
    "cell": lambda t: re.sub(r" {2,}", " ", t.translate(_CELL).strip()),
    "search": lambda t: (
        re.sub(r"\s+", " ", _SEARCH_DROP.sub("", t.translate(_SEARCH))).strip().lower()
    ),
    "search_page": lambda t: _PAGE.sub(lambda m: _PAGE_FOLDS.get(m[0], ""), t),
    "moderation": lambda t: re.sub(
        r"(.)\1+",
        r"\1",
        "".join(_MODERATION.get(c, c) for c in unicodedata.normalize("NFKC", t).lower()),
    ),
}

EVERY_CHAR = [chr(c) for c in (*range(0xD800), *range(0xE000, 0x10000))]
TEXTS = [
    "علي  ۱۳۹۷ كلاهبـــردار مَدرِسه می\u200cشود",
    "  اداره  كل ثبت\u200cاحوال\t\u00a0",
    "İSTANBUL Straße",
    '<p class="X">١٣٩٧\u200f\ufeff</p>',
    "خیلییییی خوووب",
    "\u202bراست\u202c",
    "a\u00a0\u00a0b  \n c",
    *(t for t, _ in SEARCH_EXAMPLES),
    *(e["text"] for e in MODERATION_EXAMPLES["fold"]),
]


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_each_profile_folds_as_the_code_it_replaced(name):
    before = BEFORE[name]
    changed = [t for t in EVERY_CHAR + TEXTS if fold(t, name) != before(t)]
    assert changed == []


def test_the_everyday_names_are_the_profiles():
    from chapar.awards import collation, reading
    from chapar.moderation import words as engine
    from chapar.persian import text
    from chapar.search import normalize

    for t in TEXTS:
        assert text.normalize(t) == fold(t, "display")
        assert text.fold(t) == fold(t, "match")
        assert normalize.normalize_for_search(t) == fold(t, "search")
        assert normalize.fold_page(t) == fold(t, "search_page")
        assert engine.fold(t) == fold(t, "moderation")
        assert collation.sort_key(t)[0] == tuple(map(collation._char_key, fold(t, "sort")))
    assert engine.FOLD is folding.MODERATION.table
    assert engine.FOLD == _MODERATION
    assert reading._CELL is folding.CELL


def test_examples_from_the_functions_before():
    assert fold("علي كلاهبـــردار ى", "display") == "علی کلاهبردار ی"
    assert fold("می\u200cشود", "display") == "می\u200cشود"
    assert fold("اداره  كل ثبت\u200cاحوال", "match") == "اداره کل ثبت احوال"
    assert fold("سال ۹۵", "match") == "سال 95"
    assert fold(" ثبت\u200cاحوال ۹۵ ", "sort") == "ثبت\u200cاحوال 95"
    assert fold(" زندان\u200cها\u00a0 كل\u200f ", "cell") == "زندان\u200cها کل"
    assert fold("می\u200cشود ۱۳۹۷ مسئله", "search") == "میشود 1397 مسیله"
    assert fold("<b>می\u200cشود</b> كلاهبـــردار", "search_page") == "<b>می\u200cشود</b> کلاهبردار"
    for example in MODERATION_EXAMPLES["fold"]:
        assert fold(example["text"], "moderation") == example["expected"]
    for text, expected in SEARCH_EXAMPLES:
        assert fold(text, "search") == expected


def test_the_slug_rules_are_the_slug_profile():
    import pelicanconf

    assert folding.SLUG_REGEX_SUBSTITUTIONS == _SLUG_RULES
    assert pelicanconf.SLUG_REGEX_SUBSTITUTIONS == _SLUG_RULES
    assert (
        pelicanconf.TAG_REGEX_SUBSTITUTIONS
        == pelicanconf.CATEGORY_REGEX_SUBSTITUTIONS
        == _SLUG_RULES
    )


def test_the_export_is_the_python_profiles():
    data = json.loads(json.dumps(folding.export(), ensure_ascii=False))
    assert sorted(data["profiles"]) == sorted(folding.PROFILES)
    for name, profile in folding.PROFILES.items():
        exported = data["profiles"][name]
        assert exported["table"] == profile.table
        assert (
            exported["nfkc"],
            exported["spaces"],
            exported["strip"],
            exported["case"],
            exported["repeats"],
        ) == (profile.nfkc, profile.spaces, profile.strip, profile.case, profile.repeats)


def test_the_built_site_exports_the_profiles_once_for_both_scripts(real_site):
    written = json.loads((real_site / "theme/js/folding.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(folding.export()))
    rules = json.loads((real_site / "comments/rules.json").read_text(encoding="utf-8"))
    assert "fold" not in rules["normalize"]  # comments.js folds by folding.json's profile
    for script in ("search-normalize.js", "comments.js"):  # folding.json is beside both
        assert "folding.json" in (real_site / "theme/js" / script).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["display", "cell", "search", "search_page", "moderation", "slug"])
def test_the_browser_applies_an_exported_profile_as_python_does(name):
    texts = [t for t in TEXTS if "\r" not in t]
    script = (
        f"const {{profile}} = require({json.dumps(str(JS))});"
        "const {texts, folding, name} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const f = profile(folding.profiles[name]);"
        "process.stdout.write(JSON.stringify(texts.map(f)));"
    )
    result = subprocess.run(
        ["node", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        input=json.dumps({"texts": texts, "folding": folding.export(), "name": name}),
    )
    assert json.loads(result.stdout) == [fold(t, name) for t in texts]
