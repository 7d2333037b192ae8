"""The moderation engine: rules file, each check, language accuracy, the
editor's override, replies, and the browser port run on the same examples.
"""

import json
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from chapar import moderation as m
from chapar.comments import store
from chapar.moderation.checks import Hold, relevance_score
from chapar.moderation.lexicon import _compact
from chapar.moderation.words import prepare
from chapar.persian import folding
from chapar.persian.dates import TEHRAN

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "data/moderation/rules.toml"
EXAMPLES = json.loads((ROOT / "tests/data/moderation_examples.json").read_text(encoding="utf-8"))
SEED = (ROOT / "content/news/1397/4385870.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rules():
    return m.load_rules(RULES)


def text_of(example):
    return example["text"] * example.get("repeat", 1)


def rule(rules, check):
    return rules.of(check)[0]


# --- rules file --------------------------------------------------------------


def test_rules_file_has_the_seeds_published_rules_in_order(rules):
    assert rules.texts == [
        "نظرات حاوی توهین و هرگونه نسبت ناروا به اشخاص حقیقی و حقوقی منتشر نمی‌شود.",
        "نظراتی که غیر از زبان فارسی یا غیر مرتبط با خبر باشد منتشر نمی‌شود.",
    ]
    assert {r.check for r in rules.rules} == set(m.CHECKS)
    assert rule(rules, "relevance").action == "hold"
    assert rule(rules, "links").action == "hold"
    assert rule(rules, "lexicon").action == "reject"


def test_lexicon_holds_the_bundled_lists_and_the_projects_words(rules):
    lexicon = rule(rules, "lexicon").lexicon
    assert (
        len(lexicon.terms) + len(lexicon.anywhere) > 450
    )  # persian-text-guard's Persian + Finglish lists
    assert "بیغیرت" in lexicon.terms  # data/moderation/extra-words.txt
    assert "کلاهبردار" in rule(rules, "lexicon").hold_lexicon.terms  # hold-words.txt
    assert "kir" in lexicon.terms
    assert "کیر" in lexicon.terms


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[rule]]\nid = "x"\ncheck = "spelling"\n', "unknown check 'spelling'"),
        ('[[rule]]\nid = "x"\ncheck = "links"\naction = "delete"\n', "unknown action 'delete'"),
        ('[[rule]]\nid = "x"\ncheck = "links"\nmaximum = 2\n', "unknown key 'maximum'"),
        (
            '[[rule]]\nid = "x"\ncheck = "lexicon"\nwords = ["missing.txt"]\n',
            "cannot read word file",
        ),
        ('[[rule]]\nid = "x"\ncheck = "language"\naccept = ["xx"]\n', "unknown language code"),
        ('[[rule]]\nid = "x"\ntext = "a"\n\n[[rule]]\nid = "x"\ntext = "b"\n', "used twice"),
        ('[[rule]]\nid = "x"\n', "neither text nor check"),
        ('[[rule]\nid = "x"\n', "not valid TOML"),
    ],
)
def test_bad_rules_file_names_the_line(tmp_path, toml, message):
    path = tmp_path / "rules.toml"
    path.write_text("# rules\n" + toml, encoding="utf-8")
    with pytest.raises(m.RulesError) as err:
        m.load_rules(path)
    assert any(message in str(p) and str(p).startswith(f"{path}:") for p in err.value.problems)
    line = err.value.problems[0].line
    assert line >= 2  # the [[rule]] table's line, not a blanket 1


def test_rule_with_text_only_is_shown_not_enforced(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nid = "polite"\ntext = "مؤدب باشید."\n', encoding="utf-8")
    rules = m.load_rules(path)
    assert rules.texts == ["مؤدب باشید."]
    assert m.moderate(rules, "hello world in English") == m.PUBLISHED


# --- normalisation and lexicon ----------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES["fold"], ids=lambda e: e["text"][:20])
def test_fold(example):
    assert m.fold(example["text"]) == example["expected"]


@pytest.mark.parametrize("example", EXAMPLES["lexicon"], ids=lambda e: e["text"][:20])
def test_lexicon_examples(rules, example):
    lexicon = rule(rules, "lexicon")
    found = lexicon.lexicon.find(prepare(example["text"]).raw)
    assert bool(found) is example["expected"], found
    if "hold" in example:
        reason = m.check_text(lexicon, example["text"], m.tokens(example["text"]))
        assert isinstance(reason, Hold) is example["hold"], reason


def test_kashida_and_arabic_letters_match_the_term(rules):
    decision = m.moderate(rules, "مدیر این شرکت كلاهبـــردار است")
    assert decision.status == "held"  # an accusation: the hold tier
    assert decision.rule == "no-insults"
    assert "کلاهبردار" in decision.reason


def test_the_seed_article_itself_passes_the_lexicon(rules):
    # a lexicon that flags the news it sits under would reject every quote of it
    words = m.tokens(SEED)
    lexicon = rule(rules, "lexicon").lexicon
    assert [words[i : i + 4] for i in range(len(words)) if lexicon.find(words[i : i + 4])] == []


# --- language ------------------------------------------------------------------


def test_language_accuracy_on_the_labelled_set():
    labelled = EXAMPLES["language"]
    labels = {e["label"] for e in labelled}
    assert len(labelled) >= 60
    assert labels == {"fa", "ar", "en", "fin", "none"}
    assert sum(1 for e in labelled if len(e["text"].split()) <= 2) >= 10  # short ones count
    wrong = [
        (e["text"], e["label"], m.detect_language(e["text"]))
        for e in labelled
        if m.detect_language(e["text"]) != e["label"]
    ]
    accuracy = 1 - len(wrong) / len(labelled)
    assert accuracy >= 0.95, wrong


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("خیلی خوب بود", "published"),
        ("شكرا جزيلا على هذا الخبر", "rejected"),
        ("merci kheili khoob bood", "rejected"),
        ("Thanks for the news", "rejected"),
        ("👍👍", "held"),  # no words to judge: an editor reads it
        ("!!! ؟؟ 1403", "held"),
    ],
)
def test_language_rule(rules, text, status):
    decision = m.moderate(rules, text)
    assert decision.status == status
    if status != "published":
        assert decision.rule == "persian-only"


@pytest.mark.parametrize(
    "text",
    [
        "شو بدك مني",  # Levantine, no Arabic-only letter
        "ليش كذا يا اخوي",  # Gulf
        "عشان خاطرك بس",
        "وش فيك اليوم",
        "انتي وين",
        "يعني ايش",  # words Persian shares, typed with Arabic ي
        "مو زين",
    ],
)
def test_short_dialect_arabic_is_arabic(text):
    assert m.detect_language(text) == "ar"


@pytest.mark.parametrize(
    "text",
    [
        "ممنونم علی جان",  # the name, not Arabic «على»
        "آیت الله فلانی سخنرانی کرد",
        "حزب الله لبنان بیانیه داد",
        "ان شاء الله درست میشه",
        "سبحان الله",
        "حتی یک نفر هم جواب نداد",
        "این دو موضوع جدا هستند",
        "کیف کردم",
        "واقعاً تأسف‌آور است",
        "عالی بود #Iran #news",  # Latin hashtags do not make it English
        "این را ببینید @someone https://example.com/a/b/c",
        "اين خبر خيلي خوب بود",  # Persian typed on an Arabic keyboard
    ],
)
def test_persian_with_arabic_formulas_names_tags_stays_persian(text):
    assert m.detect_language(text) == "fa"


def test_the_build_reads_the_typed_letters(rules):
    # the display normalisation turns Arabic ي into Persian ی: the typed body decides
    source = "Author: a\nDate: 2025-01-01 12:00\nId: c1\n\nيا ريت\n"
    comment, problems = store.parse_comment(source, "content/comments/x/c1.md", "x")
    assert not problems
    assert comment.body == "یا ریت"
    assert comment.typed_body == "يا ريت"
    decision = m.moderate_article(rules, [comment])["c1"]
    assert (decision.status, decision.rule) == ("rejected", "persian-only")
    assert m.moderate(rules, comment.body).status == "published"  # what folding alone would say


# --- relevance, links, length, duplicate -----------------------------------------------


def test_relevance_holds_a_comment_about_something_else(rules):
    article = m.article_words(SEED, rules)
    off_topic = (
        "قیمت گوجه و پیاز در میدان تره‌بار تهران این هفته دو برابر شده و فروشندگان ناراضی هستند."
    )
    on_topic = "اجرای کامل دولت الکترونیک در دستگاه‌های اجرایی خراسان شمالی ضروری است."
    held = m.moderate(rules, off_topic, article)
    assert (held.status, held.rule) == ("held", "on-topic")
    assert m.moderate(rules, on_topic, article) == m.PUBLISHED
    assert m.moderate(rules, "عالی بود، ممنون", article) == m.PUBLISHED  # too short to judge


def test_stop_words_do_not_count_as_shared(rules):
    article = m.article_words("این خبر درباره دولت است و از آن می‌گوید", rules)
    text = "این که از آن برای فوتبال و کشتی و والیبال می‌گویند"
    assert m.moderate(rules, text, article).rule == "on-topic"


def test_links(rules):
    one = "گزارش کامل در https://www.mehrnews.com/news/4385870 آمده است"
    two = one + " و همچنین http://example.com و www.example.org"
    assert m.moderate(rules, one) == m.PUBLISHED
    decision = m.moderate(rules, two)
    assert (decision.status, decision.rule) == ("held", "links")
    assert m.count_links("[پیوند](https://a.ir) و [دیگری](https://b.ir)") == 2


@pytest.mark.parametrize("example", EXAMPLES["length"], ids=lambda e: e["expected"])
def test_length(rules, example):
    reason = m.check_text(rule(rules, "length"), text_of(example), m.tokens(text_of(example)))
    expected = example["expected"]
    assert (reason is None) is (expected == "ok")
    if expected == "empty":
        assert m.moderate(rules, text_of(example)).rule == "length"


def comment(id, body, minutes=0, status="", reply_to=""):
    date = datetime(2018, 8, 27, 10, 0, tzinfo=TEHRAN) + timedelta(minutes=minutes)
    return SimpleNamespace(id=id, body=body, date=date, status=status, reply_to=reply_to)


def test_duplicate_rejects_the_later_copy(rules):
    decisions = m.moderate_article(
        rules,
        [
            comment("b", "دولت الکترونيک  باید زودتر اجرا شود!!", 5),
            comment("a", "دولت الکترونیک باید زودتر اجرا شود", 0),
        ],
        SEED,
    )
    assert decisions["a"] == m.PUBLISHED
    assert (decisions["b"].status, decisions["b"].rule) == ("rejected", "duplicate")


def test_editor_status_overrides_the_rules(rules):
    decisions = m.moderate_article(
        rules,
        [
            comment("en", "Thanks for the news", status="approved"),
            comment("fa", "دولت الکترونیک باید زودتر اجرا شود", 1, status="rejected"),
        ],
        SEED,
    )
    assert decisions["en"] == m.Decision("published", "editor", "Status: approved")
    assert decisions["fa"] == m.Decision("rejected", "editor", "Status: rejected")


def test_a_reply_to_an_unpublished_comment_is_not_published(rules):
    decisions = m.moderate_article(
        rules,
        [
            comment("1", "merci kheili khoob bood"),
            comment("2", "دولت الکترونیک باید زودتر اجرا شود", 1, reply_to="1"),
            comment("3", "موافقم، دولت الکترونیک ضروری است", 2, reply_to="2", status="approved"),
            comment("4", "اجرای دولت الکترونیک در استان خوب است", 3),
        ],
        SEED,
    )
    assert decisions["1"].status == "rejected"
    assert (decisions["2"].status, decisions["2"].rule) == ("held", "thread")
    assert (decisions["3"].status, decisions["3"].rule) == ("held", "thread")
    assert decisions["4"] == m.PUBLISHED


# --- the browser port ---------------------------------------------------------


def test_export_carries_folded_terms_not_the_raw_lists(rules):
    data = m.export_rules(rules)
    lexicon = next(r for r in data["rules"] if r["check"] == "lexicon")
    # folded, words joined; doubled letters kept (runs of three or more are one)
    assert all(term == _compact(term) for term in lexicon["whole"])
    assert "کلاه‌بردار" not in json.dumps(data, ensure_ascii=False)  # only the folded form
    assert [r["text"] for r in data["rules"] if r["text"]] == rules.texts
    relevance = next(r for r in data["rules"] if r["id"] == "on-topic")
    assert relevance["check"] == ""
    assert relevance["enforced"] == "relevance"


def test_javascript_gives_the_same_answers_as_python(rules, tmp_path):
    node = shutil.which("node")
    assert node, "node is needed for the browser-check parity test"
    rules_json = tmp_path / "rules.json"
    rules_json.write_text(json.dumps(m.export_rules(rules), ensure_ascii=False), encoding="utf-8")
    folding_json = tmp_path / "folding.json"
    folding_json.write_text(json.dumps(folding.export(), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [
            node,
            str(ROOT / "tests/js/moderation_examples.js"),
            str(rules_json),
            str(ROOT / "tests/data/moderation_examples.json"),
            str(folding_json),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    js = json.loads(result.stdout)
    lexicon, length = rule(rules, "lexicon"), rule(rules, "length")
    python = {
        "fold": [m.fold(text_of(e)) for e in EXAMPLES["fold"]],
        "tokens": [m.tokens(text_of(e)) for e in EXAMPLES["lexicon"]],
        "lexicon": [lexicon.lexicon.find(prepare(text_of(e)).raw) for e in EXAMPLES["lexicon"]],
        "length": [
            {None: None, True: "empty", False: "long"}[
                None
                if (r := m.check_text(length, text_of(e), m.tokens(text_of(e)))) is None
                else r.endswith("empty")
            ]
            for e in EXAMPLES["length"]
        ],
        "language": [m.detect_language(text_of(e)) for e in EXAMPLES["language"]],
        "check": [
            m.browser_check(rules, text_of(e))
            for e in EXAMPLES["lexicon"] + EXAMPLES["language"] + EXAMPLES["length"]
        ],
    }
    for key, answers in python.items():
        assert js[key] == answers, key


# --- relevance: stems, names, reactions (README.md, "Comments (for editors)") ---------


def test_relevance_reads_persian_word_forms(rules):
    article = m.article_words("بازنشستگی زودهنگام کارکنان دانشگاه‌ها تصویب شد", rules)
    # «بازنشسته» meets «بازنشستگی», «دانشگاهی» meets «دانشگاه‌ها», «کارکنانش» … «کارکنان»
    text = "آن استاد دانشگاهی که بازنشسته شد هنوز هم در کلاس درس می‌دهد و شاگردانش راضی‌اند"
    assert m.moderate(rules, text, article) == m.PUBLISHED


def test_relevance_meets_a_name_written_as_one_word(rules):
    relevance = rules.of("relevance")[0]
    article = m.article_words("سخنرانی صادق زیبا کلام در دانشکده لغو شد", rules)
    text = "زیباکلام همیشه حرف‌های تندی می‌زند و سخنرانی او جنجال دارد"
    assert m.moderate(rules, text, article) == m.PUBLISHED
    _, shared, _ = relevance_score(relevance, m.tokens(text), article)
    assert "زیباکلام" in shared
    article = m.article_words("زیباکلام در دانشکده سخنرانی کرد", rules)
    text = "سخنرانی صادق زیبا کلام در دانشکده شلوغ بود"
    _, shared, _ = relevance_score(relevance, m.tokens(text), article)
    assert "زیبا کلام" in shared
    assert m.moderate(rules, text, article) == m.PUBLISHED


def test_a_shared_name_alone_is_not_the_same_story(rules):
    article = m.article_words("کنسرت علیرضا قربانی در تالار وحدت لغو شد", rules)
    text = "علیرضا قربانی در جوانی فوتبالیست بوده و مدال قهرمانی کشوری گرفته است"
    held = m.moderate(rules, text, article)
    assert (held.status, held.rule) == ("held", "on-topic")
    assert held.reason.startswith("shares 2 of its 9 words with the article (علیرضا، قربانی)")
    # the story itself: the concert and its cancellation
    text = "لغو کنسرت علیرضا قربانی آن هم در آخرین لحظه برای خریداران بلیت گران تمام شد"
    assert m.moderate(rules, text, article) == m.PUBLISHED
    # a name the article says again and again is its topic
    article = m.article_words(
        "علیرضا قربانی به ایران بازگشت. علیرضا قربانی گفت در تهران کنسرت می‌دهد.", rules
    )
    text = "علیرضا قربانی در جوانی فوتبالیست بوده و مدال قهرمانی کشوری گرفته است"
    assert m.moderate(rules, text, article) == m.PUBLISHED


def test_thanks_and_greetings_are_not_held(rules):
    article = m.article_words(SEED, rules)
    for text in (
        "سلام، خسته نباشید، ممنون از گزارش خوبتون",
        "مرسی از خبرتون، خیلی عالی و جالب بود، دمتون گرم",
        "سپاس از زحمات شما، امیدوارم موفق باشید",
    ):
        assert m.moderate(rules, text, article) == m.PUBLISHED, text


def test_digits_and_latin_words_count_only_when_shared(rules):
    article = m.article_words("افزایش قیمت بلیت قطار تهران مشهد", rules)
    # two shared words, two other Persian words, and numbers and Latin words the article has not
    text = "قیمت بلیت خیلی گران شده، مثلا 2024 و 1403 و 1404 یا ticket price cost abc"
    assert m.moderate(rules, text, article) == m.PUBLISHED


def test_an_agency_named_in_the_article_brings_its_other_names(rules):
    # made-up texts; the agency (id ``tax``) and its spellings are data/awards/agencies.csv's
    relevance = rules.of("relevance")[0]
    text = "امور مالیاتی در رسیدگی به پرونده‌ها عملکرد خوبی داشته و استاندار هم تقدیر کرد"
    listed = m.article_words("Agencies: tax\n\nاستاندار از عملکرد دستگاه‌ها تقدیر کرد.", rules)
    plain = m.article_words("استاندار از عملکرد دستگاه‌ها تقدیر کرد.", rules)
    assert relevance_score(relevance, m.tokens(text), listed)[1] == [
        "امور",
        "مالیاتی",
        "عملکرد",
        "استاندار",
        "تقدیر",
    ]
    assert relevance_score(relevance, m.tokens(text), plain)[1] == ["عملکرد", "استاندار", "تقدیر"]
    # named in the text by one spelling, met by another; the other agencies are not brought
    article = m.article_words("اداره کل امور مالیاتی استان در جشنواره برتر شد.", rules)
    text = "اداره کل مالیات هنوز پرونده‌ها را دیر بررسی می‌کند و مردم گله دارند"
    assert "مالیات" in relevance_score(relevance, m.tokens(text), article)[1]
    assert "عشایر" not in article.stems


def test_the_names_files_are_read(rules):
    relevance = rules.of("relevance")[0]
    ids = {key for key, _, _ in relevance.names}
    assert {"tax", "prisons", "shahid-rajaei-1397-north-khorasan"} <= ids
    spellings = {key: names for key, names, _ in relevance.names}["tax"]
    assert ("امور", "مالیاتی") in spellings


def test_an_unreadable_names_file_is_a_problem(tmp_path):
    (tmp_path / "rules.toml").write_text(
        '[[rule]]\nid = "t"\ncheck = "relevance"\nnames = ["names.csv"]\naction = "hold"\n',
        encoding="utf-8",
    )
    (tmp_path / "names.csv").write_bytes(b"id,name\n\xff\xfe\xfa,x\n")  # not UTF-8
    with pytest.raises(m.RulesError, match=r"cannot read names file 'names\.csv'"):
        m.load_rules(tmp_path / "rules.toml")


def test_a_site_without_award_data_has_no_names_and_no_problem(tmp_path):
    (tmp_path / "rules.toml").write_text(
        '[[rule]]\nid = "t"\ncheck = "relevance"\nnames = ["../awards/agencies.csv"]\n'
        'action = "hold"\n',
        encoding="utf-8",
    )
    rules = m.load_rules(tmp_path / "rules.toml")
    assert [rule.id for rule in rules.rules] == ["t"]


def test_names_are_found_whole_and_in_a_row_among_many_alike(tmp_path):
    # made-up names, each with a made-up alias that shows it was found; a thousand
    # share their first words, as the agencies' «اداره کل …» do
    (tmp_path / "rules.toml").write_text(
        '[[rule]]\nid = "t"\ncheck = "relevance"\nnames = ["names.csv"]\naction = "hold"\n',
        encoding="utf-8",
    )
    rows = ["id,name,aliases", "lake,دریاچه,آلفا", "garden,باغ گلستان,بتا"]
    rows += [f"n{i},اداره کل شماره{i}," + ("دلتا" if i == 5 else "") for i in range(1000)]
    rows += ["roads,اداره کل راهداری,گاما"]
    (tmp_path / "names.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rules = m.load_rules(tmp_path / "rules.toml")

    def brought(text):
        stems = m.article_words(text, rules).stems
        return {alias for alias in ("آلفا", "بتا", "دلتا", "گاما") if alias in stems}

    assert brought("بازدید از اداره کل راهداری") == {"گاما"}
    assert brought("سفر به دریاچه") == {"آلفا"}  # one word, at the very end
    assert brought("باغ و گلستان") == {"بتا"}  # a stop word between them is left out
    assert brought("گلستان باغ دیدنی است") == set()  # not in the name's order
    assert brought("اداره کل شماره5 و راهداری") == {"دلتا"}  # the one in a row only
    assert brought("اداره راهداری") == set()
