"""bench/bench_moderation.py's figures on a tiny made-up dataset.

Every row below is invented for this test (the made-up term «بدواژه» stands
for a listed word); nothing comes from the real moderation data, which must
never be copied into the repository.
"""

import csv

import pytest

from conftest import load_script


@pytest.fixture(scope="module")
def bench():
    return load_script("bench/bench_moderation.py")


RULES = """
[[rule]]
id = "words"
check = "lexicon"
lists = []
words = ["words.txt"]
action = "reject"

[[rule]]
id = "fa-only"
check = "language"
accept = ["fa"]
action = "reject"

[[rule]]
id = "topic"
check = "relevance"
min_words = 2
min_score = 2.0
action = "hold"
"""

DEV = [
    ("t1", "این خبر بدواژه است", "offensive_fa"),  # flagged: hit
    ("t2", "شما بدواژه هستید", "offensive_fa"),  # flagged: hit
    ("t3", "متن توهین‌آمیز بدون واژه فهرست", "offensive_fa"),  # missed
    ("t4", "سلام خبر خوبی بود", "clean_fa"),  # passes: right
    ("t5", "گزارش درباره بدواژه", "clean_fa"),  # flagged: false flag
    ("t6", "the news was good today", "english"),
    ("t7", "in khabar kheili khoob bood", "finglish"),
    ("t8", "هذا الخبر في المدينة", "arabic"),
]
ARTICLE = "افزایش قیمت نان در تهران"
PAIRS = [
    # shares most (passes), nothing (held), half (passes: a miss)
    ("r1", "قیمت نان در تهران افزایش یافت", ARTICLE, "on_topic"),
    ("r2", "تیم فوتبال دیروز بازی را برد", ARTICLE, "off_topic"),
    ("r3", "قیمت طلا در تهران بالا رفت", ARTICLE, "off_topic"),
]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows([*row, "made-up"] for row in rows)


@pytest.fixture
def data(tmp_path):
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "words.txt").write_text("بدواژه\n", encoding="utf-8")
    write(tmp_path / "dev.csv", ["id", "text", "label", "source"], DEV)
    write(tmp_path / "dev_relevance.csv", ["id", "comment", "article", "label", "source"], PAIRS)
    return tmp_path


def test_binary_metrics(bench):
    m = bench.binary_metrics([True, True, False, True, False], [True, False, True, True, False])
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (2, 1, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["false_flag_rate"] == pytest.approx(1 / 2)
    assert bench.binary_metrics([False], [False])["precision"] is None  # nothing flagged


def test_figures_on_made_up_data(bench, data):
    out = bench.evaluate(data, rules_path=data / "rules.toml")
    lexicon = out["checks"]["words [lexicon]"]
    o = lexicon["overall"]
    # scored on Persian only: 2 hits, 1 false flag, 1 miss, 1 right pass
    assert (o["tp"], o["fp"], o["fn"], o["tn"]) == (2, 1, 1, 1)
    assert o["precision"] == pytest.approx(2 / 3)
    assert o["recall"] == pytest.approx(2 / 3)
    assert o["false_flag_rate"] == pytest.approx(1 / 2)
    assert lexicon["per_label"]["offensive_fa"] == {
        "n": 3,
        "flagged": 2,
        "rate": pytest.approx(2 / 3),
        "role": "target",
    }
    assert lexicon["per_label"]["english"]["role"] == "unscored"

    language = out["checks"]["fa-only [language]"]["overall"]
    assert (language["tp"], language["fp"], language["fn"], language["tn"]) == (3, 0, 0, 5)
    assert language["precision"] == language["recall"] == 1
    assert language["false_flag_rate"] == 0
    assert out["language"]["confusion_normalised"] == {
        "fa": {"fa": 5},
        "en": {"en": 1},
        "fin": {"fin": 1},
        "ar": {"ar": 1},
    }

    relevance = out["relevance"]
    topic = relevance["checks"]["topic [relevance]"]
    assert (topic["tp"], topic["fp"], topic["fn"], topic["tn"]) == (1, 0, 1, 1)
    assert topic["precision"] == 1
    assert topic["recall"] == pytest.approx(1 / 2)
    assert relevance["per_label"]["off_topic"]["held_rate"] == pytest.approx(1 / 2)
    assert relevance["per_label"]["on_topic"]["held_rate"] == 0


def test_the_build_parser_normalises_the_body(bench):
    arabic = "\u0643\u062a\u0627\u0628 \u062e\u0648\u0628\u064a"  # Arabic kaf and yeh
    comment, raw = bench.as_comment("x1", arabic)
    assert raw == arabic
    assert comment.body == "کتاب خوبی"


def test_the_lexicon_ceiling_holds_every_hold_tier_term(bench, data):
    # «برچسب» stands for a hold-tier word: held when aimed at someone («تو برچسب هستی»),
    # passed when reported; the ceiling counts both
    (data / "hold.txt").write_text("برچسب\n", encoding="utf-8")
    rules = RULES.replace(
        'words = ["words.txt"]', 'words = ["words.txt"]\nhold_words = ["hold.txt"]'
    )
    (data / "rules.toml").write_text(rules, encoding="utf-8")
    rows = [
        *DEV,
        ("t9", "تو برچسب هستی", "offensive_fa"),  # aimed: held by the rule
        ("t10", "او را برچسب خواندند و رفت", "offensive_fa"),  # reported: only the ceiling
    ]
    write(data / "dev.csv", ["id", "text", "label", "source"], rows)
    out = bench.evaluate(data, rules_path=data / "rules.toml")
    rule = out["checks"]["words [lexicon]"]["overall"]
    ceiling = out["checks"]["words ceiling: every hold-tier term held wherever it stands"][
        "overall"
    ]
    assert (rule["tp"], rule["fn"]) == (3, 2)  # t1, t2, t9 flagged; t3, t10 missed
    assert (ceiling["tp"], ceiling["fn"]) == (4, 1)  # t10 too; t3 has no listed word
    assert ceiling["fp"] == rule["fp"] == 1
