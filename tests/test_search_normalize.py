"""The Python and JavaScript search normalisers agree on shared examples."""

import json
import subprocess
from pathlib import Path

import pytest

from chapar.persian.folding import export
from chapar.search.normalize import normalize_for_search

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = json.loads((ROOT / "tests/data/search_normalize_examples.json").read_text("utf-8"))
JS = ROOT / "theme/static/js/search-normalize.js"


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_python_normaliser(text, expected):
    assert normalize_for_search(text) == expected


def test_javascript_normaliser_gives_the_same_answers():
    # search-normalize.js over the tables the build exports (folding.json)
    script = (
        f"const normalizer = require({json.dumps(str(JS))});"
        "const {examples, folding} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const {normalizeForSearch} = normalizer.use(folding);"
        "process.stdout.write(JSON.stringify(examples.map(([t]) => normalizeForSearch(t))));"
    )
    result = subprocess.run(
        ["node", "-e", script],
        input=json.dumps({"examples": EXAMPLES, "folding": export()}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == [expected for _, expected in EXAMPLES]


def test_pages_are_folded_like_queries_but_keep_zwnj_spacing_and_case():
    from chapar.search.normalize import fold_page

    page = '<p class="X">علي  ۱۳۹۷ كلاهبـــردار مَدرِسه می\u200cشود</p>'
    assert fold_page(page) == '<p class="X">علی  1397 کلاهبردار مدرسه می\u200cشود</p>'
    for text, expected in EXAMPLES:
        assert normalize_for_search(fold_page(text)) == expected
