"""The build's comment pass (chapar/comments/sitepass.py): threads kept
between builds, the worker process, and every fast path against the plain
definition it stands in for.
"""

import itertools
import logging
import math
import random
import re
import shutil

import pytest

import chapar_comments as comments
from chapar import moderation as m
from chapar.build.errors import BuildError
from chapar.comments import render, sitepass, store
from chapar.moderation import checks, language
from chapar.moderation import words as folding
from chapar.moderation.lexicon import _ENDINGS, MAX_JOIN, lexicon_form, word_forms
from chapar.persian.dates import parse_date
from conftest import ROOT, build_site, make_site, news_item
from test_builds import differences
from test_comments_build import ARTICLE, CODE, COMMENTS, comment

CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
SECOND = news_item(
    77,
    "بودجه عمرانی",
    "1397/06/06 10:00",
    body="بودجه عمرانی استان برای جاده‌های روستایی و مدارس تصویب شد.",
)
SECOND_COMMENTS = {
    "77/1.md": comment(
        "مینا", "1397/06/06 11:00", "بودجه عمرانی جاده‌های روستایی استان و مدارس کافی نیست."
    ),
    "77/2.md": comment(
        "حسن", "1397/06/06 12:00", "موافقم، **جاده‌های روستایی** مهم‌اند.", ReplyTo="1"
    ),
}


def site_with_two_articles(tmp_path):
    return make_site(
        tmp_path, news={"a.md": ARTICLE, "b.md": SECOND}, comments={**COMMENTS, **SECOND_COMMENTS}
    )


def count_calls(monkeypatch):
    """Count what an article's thread costs: parsing its files, moderating
    it, rendering bodies and the thread.
    """
    calls = {"parse": 0, "moderate": 0, "body": 0, "thread": 0}

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(store, "parse_comment", counted("parse", store.parse_comment))
    monkeypatch.setattr(m, "moderate_article", counted("moderate", m.moderate_article))
    monkeypatch.setattr(
        render.BodyRenderer, "__call__", counted("body", render.BodyRenderer.__call__)
    )
    monkeypatch.setattr(
        render.ThreadTemplate, "__call__", counted("thread", render.ThreadTemplate.__call__)
    )
    return calls


# --- threads kept between builds ----------------------------------------------


def test_an_unchanged_rebuild_parses_moderates_and_renders_nothing(tmp_path, monkeypatch):
    site = site_with_two_articles(tmp_path)
    build_site(site, **CACHED)
    assert comments.LAST_BUILD == {"moderated": 2, "reused": 0, "worker": False}
    calls = count_calls(monkeypatch)
    again = build_site(site, **CACHED)
    assert calls == {"parse": 0, "moderate": 0, "body": 0, "thread": 0}
    assert comments.LAST_BUILD == {"moderated": 0, "reused": 2, "worker": False}
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(again, clean) == []
    page = (again / "news/77/index.html").read_text("utf-8")
    assert "<strong>جاده‌های روستایی</strong>" in page
    assert 'id="comment-2"' in page


def change_comment(site):
    path = site / "content/comments/77/1.md"
    path.write_text(path.read_text("utf-8").replace("کافی نیست", "کافی نیست و دیر رسید"), "utf-8")


def change_author(site):  # decides nothing, but the thread shows it
    path = site / "content/comments/77/2.md"
    path.write_text(path.read_text("utf-8").replace("Author: حسن", "Author: حسین"), "utf-8")


def change_article(site):  # the comment no longer shares its words with the article
    path = site / "content/news/b.md"
    path.write_text(
        news_item(
            77, "ورزش", "1397/06/06 10:00", body="مسابقات فوتبال جوانان در ورزشگاه شهر برگزار شد."
        ),
        "utf-8",
    )


def change_rules(site):  # a new listed word rejects the comment that uses it
    words = site / "data/moderation/extra-words.txt"
    words.write_text(words.read_text("utf-8") + "\nروستایی\n", "utf-8")


def change_catalogue(site):  # the thread's words come from the theme's catalogue
    (site / "theme").unlink()
    theme = site / "theme"
    shutil.copytree(ROOT / "theme", theme)
    po = theme / "translations/fa/LC_MESSAGES/messages.po"
    text = po.read_text("utf-8")
    text = re.sub(r'(msgid "in reply to"\nmsgstr ")[^"]*"', r'\1در جواب"', text)
    po.write_text(text, "utf-8")


@pytest.mark.parametrize(
    ("change", "moderated", "shown", "gone"),
    [
        (change_comment, 1, "دیر رسید", None),
        (change_author, 1, "حسین", "حسن"),
        (change_article, 1, None, 'id="comment-1"'),
        (change_rules, 2, None, 'id="comment-2"'),
        (change_catalogue, 2, "در جواب", None),
    ],
)
def test_a_change_moderates_and_renders_again_what_it_touches(
    tmp_path, change, moderated, shown, gone
):
    site = site_with_two_articles(tmp_path)
    before = build_site(site, **CACHED)
    assert 'id="comment-1"' in (before / "news/77/index.html").read_text("utf-8")
    change(site)
    again = build_site(site, **CACHED)
    assert {"moderated": moderated, "reused": 2 - moderated, "worker": False} == comments.LAST_BUILD
    page = (again / "news/77/index.html").read_text("utf-8")
    if shown:
        assert shown in page
    if gone:
        assert gone not in page
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(again, clean) == []


def test_the_endpoint_setting_renders_the_threads_again(tmp_path):
    site = site_with_two_articles(tmp_path)
    build_site(site, **CACHED)
    again = build_site(site, **CACHED, COMMENTS={"endpoint": "https://comments.example.org"})
    assert comments.LAST_BUILD["moderated"] == 2
    assert 'data-reply-to="1"' in (again / "news/77/index.html").read_text("utf-8")


def test_a_broken_cache_file_is_ignored(tmp_path):
    site = site_with_two_articles(tmp_path)
    build_site(site, **CACHED)
    (site / "cache/comments.json").write_text('{"format": 2, "articles": [1, 2', "utf-8")
    again = build_site(site, **CACHED)
    assert comments.LAST_BUILD["moderated"] == 2
    assert differences(again, build_site(site, output=tmp_path / "clean")) == []


# --- the worker process ---------------------------------------------------------


@pytest.fixture
def worker_first(monkeypatch):
    """The build waits for the worker before taking folders itself, so the
    worker has done every folder (else who does which depends on timing).
    """
    finish = sitepass.Worker.finish

    def waiting(self, work):
        self.proc.wait()
        return finish(self, work)

    monkeypatch.setattr(sitepass.Worker, "finish", waiting)


def test_the_worker_gives_the_same_site(tmp_path, worker_first):
    site = site_with_two_articles(tmp_path)
    here = build_site(site, output=tmp_path / "here", COMMENTS={"worker": False})
    assert comments.LAST_BUILD == {"moderated": 2, "reused": 0, "worker": False}
    there = build_site(site, output=tmp_path / "there", COMMENTS={"worker": True})
    waited = comments.LAST_BUILD.pop("waited")
    assert comments.LAST_BUILD == {"moderated": 2, "reused": 0, "worker": True, "built": 0}
    assert waited >= 0
    assert differences(here, there) == []


def test_the_build_and_the_worker_share_the_folders_and_give_the_same_site(tmp_path):
    news = {"a.md": ARTICLE}
    threads = dict(COMMENTS)
    for n in range(60):  # enough folders that both sides take some
        code = 100 + n
        news[f"n{code}.md"] = news_item(
            code,
            "بودجه عمرانی",
            "1397/06/06 10:00",
            body="بودجه عمرانی استان برای جاده‌های روستایی.",
        )
        threads[f"{code}/1.md"] = comment(
            "مینا", "1397/06/06 11:00", "بودجه عمرانی جاده‌های روستایی استان کافی نیست."
        )
    site = make_site(tmp_path, news=news, comments=threads)
    here = build_site(site, output=tmp_path / "here", COMMENTS={"worker": False})
    there = build_site(site, output=tmp_path / "there", COMMENTS={"worker": True})
    assert 0 <= comments.LAST_BUILD["built"] <= 61
    assert comments.LAST_BUILD["moderated"] == 61
    assert differences(here, there) == []


def test_the_folders_are_grouped_once_in_the_build(tmp_path, monkeypatch, worker_first):
    """The generator, the worker's claims, the build's share and the result
    all use the one grouping on the Job; the worker is sent the files, not
    the grouping, and makes its own.
    """
    calls = []
    folders_of = store.folders_of
    monkeypatch.setattr(store, "folders_of", lambda order: calls.append(1) or folders_of(order))
    sent = []
    dumps = sitepass.pickle.dumps
    monkeypatch.setattr(
        sitepass.pickle, "dumps", lambda job, **kw: sent.append(job) or dumps(job, **kw)
    )
    site = site_with_two_articles(tmp_path)
    build_site(site, COMMENTS={"worker": True})
    assert comments.LAST_BUILD["worker"] is True
    assert len(calls) == 1
    assert len(sent) == 1
    assert "folders" not in vars(sent[0])
    assert sent[0].order == sitepass.comment_files(str(site / "content/comments"))


def test_claims_hand_each_folder_to_exactly_one_side(tmp_path):
    path = tmp_path / "claims"
    path.write_bytes(b"")
    build, worker = sitepass.Claims(str(path), 5), sitepass.Claims(str(path))
    taken = [
        worker.take_front(),
        build.take_back(),
        worker.take_front(),
        build.take_back(),
        build.take_back(),
        worker.take_front(),
        build.take_back(),
    ]
    assert taken == [0, 4, 1, 3, 2, None, None]
    build.close(), worker.close()


def test_the_worker_reports_bad_files_as_the_build_does(tmp_path, worker_first):
    site = make_site(
        tmp_path,
        news={"a.md": ARTICLE},
        comments={
            f"{CODE}/1.md": "Author: x\n\nبدون تاریخ\n",
            "999/1.md": comment("x", "1397/06/05", "متن"),
        },
    )
    errors = []
    for worker in (False, True):
        with pytest.raises(BuildError) as err:
            build_site(site, COMMENTS={"worker": worker})
        errors.append(err.value.problems)
    assert errors[0] == errors[1]
    assert len(errors[0]) == 2


def test_the_build_invoke_moderation_and_the_intake_read_a_thread_alike(tmp_path):
    """One reader (store.read_thread): the build stops with exactly the
    problems ``invoke moderation`` lists, and the intake decides the
    comments the build reads.
    """
    from chapar.cli import moderation as cli
    from chapar.intake import site as intake_site

    site = make_site(
        tmp_path,
        news={"a.md": ARTICLE},
        comments={
            f"{CODE}/1.md": comment("مینا", "1397/06/05 11:00", "خبر خوبی بود."),
            f"{CODE}/2.md": comment("حسن", "1397/06/05 12:00", "موافقم.", ReplyTo="9"),
            f"{CODE}/3.md": "Author: x\n\nبدون تاریخ\n",
            "999/1.md": comment("x", "1397/06/05", "متن"),
            "stray.md": comment("x", "1397/06/05", "متن"),
        },
    )
    (site / f"content/comments/{CODE}/4.md").write_bytes(b"Author: x\nDate: 1397/06/05\n\n\xff\n")
    with pytest.raises(BuildError) as err:
        build_site(site)
    built = [str(p) for p in err.value.problems]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(site)
        rows, listed = cli.collect(".")
    assert rows == []
    assert [str(p) for p in listed] == built
    assert len(built) == 5
    assert sum("ReplyTo '9'" in p for p in built) == 1
    thread = intake_site.Thread(site / "content/comments" / str(CODE), str(CODE))
    article = intake_site.read_news(site / "content/news/a.md")
    thread.refresh(m.load_rules(site / "data/moderation/rules.toml"), article)
    assert sorted(thread.decisions) == ["1", "2"]


def test_the_worker_result_is_dropped_when_it_read_other_news(tmp_path, caplog, worker_first):
    # Pelican leaves news/old out; the worker, reading headers, finds it
    old = news_item(77, "قدیمی", "1397/06/06 10:00", body="بودجه عمرانی استان.")
    site = make_site(tmp_path, news={"a.md": ARTICLE, "old/b.md": old}, comments=SECOND_COMMENTS)
    caplog.set_level(logging.INFO)
    errors = []
    for worker in (False, True):
        with pytest.raises(BuildError) as err:
            build_site(site, COMMENTS={"worker": worker}, ARTICLE_EXCLUDES=["news/old"])
        errors.append(err.value.problems)
    assert errors[0] == errors[1]
    assert any("no news item has NewsCode '77'" in p for p in errors[0])
    assert "the worker read other news than Pelican for 77" in caplog.text


def test_a_failed_worker_leaves_the_pass_to_the_build(tmp_path, monkeypatch, caplog):
    site = site_with_two_articles(tmp_path)
    here = build_site(site, output=tmp_path / "here")
    monkeypatch.setattr(sitepass, "_MAIN", "import sys; sys.exit('broken {}')")
    there = build_site(site, output=tmp_path / "there", COMMENTS={"worker": True})
    assert comments.LAST_BUILD["worker"] is False
    assert "the worker process failed" in caplog.text
    assert "broken" in caplog.text
    assert differences(here, there) == []


def test_settings_a_worker_cannot_be_given_leave_the_pass_to_the_build(tmp_path):
    site = site_with_two_articles(tmp_path)
    jinja = {"trim_blocks": True, "lstrip_blocks": True, "finalize": lambda value: value}
    here = build_site(site, output=tmp_path / "here", COMMENTS={"worker": False})
    there = build_site(
        site, output=tmp_path / "there", COMMENTS={"worker": True}, JINJA_ENVIRONMENT=jinja
    )  # a lambda cannot be pickled
    assert comments.LAST_BUILD["worker"] is False
    assert differences(here, there) == []


# --- reading ------------------------------------------------------------------------


def test_comment_paths_are_rglob_in_order(tmp_path):
    for rel in (
        "a/1.md",
        "a-b/2.md",
        "a/sub/3.md",
        "x.md",
        "a/.h.md",
        "b/c.txt",
        "10/1.md",
        "9/2.md",
        "a/z.md",
        "a/Z.md",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    expected = [
        (
            str(p),
            p.relative_to(tmp_path).parts[0] if len(p.relative_to(tmp_path).parts) == 2 else None,
        )
        for p in sorted(tmp_path.rglob("*.md"))
    ]
    assert list(store.comment_paths(tmp_path)) == expected
    assert list(store.comment_paths(f"{tmp_path}/")) == expected


def test_comment_dates_are_parse_date():
    rng = random.Random(1397)
    values = [
        "1397/06/05 09:07",
        "۱۳۹۷/۰۶/۰۵ ۰۹:۰۷",
        "1402/12/30",
        "1403/12/30 10:00",
        "1397/06/05 24:00",
        "2018-08-27 09:07",
        "1397/13/01",
        "1397-6-5T9:07:59",
        "x",
    ]
    values += [
        f"{rng.randint(1300, 1800)}/{rng.randint(0, 13)}/{rng.randint(0, 32)} "
        f"{rng.randint(0, 25)}:{rng.randint(0, 61):02d}"
        for _ in range(3000)
    ]
    for value in values:
        try:
            expected = parse_date(value)
        except ValueError as exc:
            with pytest.raises(ValueError, match=re.escape(str(exc))):
                store.comment_date(value)
        else:
            assert store.comment_date(value) == expected
            assert store.comment_date(value).tzinfo is expected.tzinfo


# --- the plain-text renderer against Markdown --------------------------------------------


def test_the_fast_path_matches_markdown_on_random_text():
    renderer = render.BodyRenderer()
    rng = random.Random(6)
    pieces = [
        "*",
        "**",
        "***",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "\xa0",
        "\r",
        "\u2028",
        "ب",
        "سلام",
        "a",
        "1.",
        "1)",
        "۱",
        "-",
        "=",
        "+",
        ">",
        "#",
        "!",
        "_",
        "`",
        "&",
        "<",
        ":",
        ".",
        "،",
        "«",
        "»",
        "\u200c",
        "(",
        ")",
        "'",
        '"',
        "x*y",
        "**دولت**",
        "** ",
        " **",
        "---",
        "https://x.ir",
    ]
    fast = strong = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 16)))
        rendered = renderer.plain(text)
        if rendered is None:
            continue
        fast += 1
        strong += "<strong>" in rendered
        assert render._CLEANER.clean(rendered) == render._CLEANER.clean(renderer.markdown(text)), (
            text
        )
    assert fast > 1000
    assert strong > 100


# --- the engine against its plain definitions ------------------------------------------


def reference_language(text):
    """detect_language written plainly: every count over the text itself."""
    text = folding._URL.sub(" ", folding._nfkc(text).lower())
    untagged = re.sub(language.TAG_PATTERN, " ", text)
    if language._LETTER.search(untagged):
        text = untagged
    arabic = len(folding._ARABIC_LETTER.findall(text))
    latin = len(folding._LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return "none"
    keep = {k: v for k, v in folding.FOLD.items() if k not in language.ARABIC_KEYBOARD}
    typed = folding._TOKEN.findall("".join(keep.get(c, c) for c in text))
    if latin > arabic:
        words = [w for w in typed if w.isascii() and not w.isdigit()]
        en = sum(2 for w in words if w in language._EN)
        fin = sum(2 for w in words if w in language._FIN)
        fin += sum(1 for w in words for d in language.FINGLISH_DIGRAPHS if d in w)
        return "fin" if fin > en else "en"
    fa = language.PERSIAN_LETTER_WEIGHT * sum(1 for c in text if c in language.PERSIAN_LETTERS)
    ar = sum(1 for c in text if c in language.ARABIC_MARKS)
    keyboard = 0
    for raw in typed:
        word = folding._REPEATS.sub(r"\1", "".join(folding.FOLD.get(c, c) for c in raw))
        arabic_typed = any(c in language.ARABIC_KEYBOARD for c in raw)
        keyboard += 1 if arabic_typed else -1 if any(c in "یک" for c in raw) else 0
        if word in language._NEUTRAL:
            continue
        if word in language._FA:
            fa += 2
        elif word in language._AR or (arabic_typed and word in language._AR_SHARED):
            ar += 2
        elif (
            word.startswith("ال")
            and len(word) > 3
            and word not in language._FA_AL
            and word not in language._AR_SHARED
        ):
            ar += 1
    ar += language.KEYBOARD_WEIGHT * keyboard
    if ar != fa:
        return "ar" if ar > fa else "fa"
    return "ar" if keyboard > 0 else "fa"


def reference_find(lexicon, words):
    """Lexicon.find written plainly: every run of words from every start,
    every reading of each (no memo, no early stop at a non-prefix).
    """
    words = [lexicon_form(w) for w in words]
    for i in range(len(words)):
        forms = [] if words[i] in lexicon.allowed else word_forms(words[i])
        hit = next((f for f in forms if f in lexicon.whole), None)
        if hit:
            return hit
        heads = lexicon.prefixes if len(words[i]) == 1 else lexicon.phrase_heads
        for head in (f for f in forms if f in lexicon.prefixes and f in heads):
            joined, spaced = head, len(words[i]) == 1
            for j in range(i + 1, min(len(words), i + MAX_JOIN)):
                nxt = words[j]
                if nxt in _ENDINGS:
                    continue
                joined += nxt[1:] if joined[-1] == nxt[0] else nxt
                readings = [] if joined in lexicon.allowed else word_forms(joined)
                hit = next((f for f in readings if f in lexicon.whole), None)
                if hit and (spaced or hit in lexicon.phrases):
                    return hit
                spaced = spaced and len(nxt) == 1
                if joined not in lexicon.prefixes:
                    break
    runs = re.sub(r"(?<=\b\w) (?=\w\b)", "", " ".join(words))  # letters spaced out, joined
    compact = " ".join(folding._REPEATS.sub(r"\1", w) for w in runs.split(" "))
    return next((t for t in lexicon.anywhere if t in compact), None)


def random_texts(rules, count=8000):
    rng = random.Random(1403)
    pieces = list(
        "abcdefghijklmnopqrstuvwxyz ABCKW.:/@-_*!?،؛ ۱۲3٤\u200c\u200dـًٌٍ\u0670ي ك ى ة أ إ ؤ ء"
    )
    pieces += [
        *list("اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیـ "),
        "www.",
        "http://",
        "https://x.ir",
        "a@b.ir",
        "ال",
        "الله",
        "کلاه",
        "بردار",
        "k.i.r",
        "ﻻ",
        "ｗｗｗ.",
        "́",
        "ẁ",
        "ſ",
        "K",
        "ı",
        "ـــ",
        "  ",
        "\n",
        "شكرا",
        "merci",
        "the",
    ]
    terms = list(rules.of("lexicon")[0].lexicon.terms)
    texts = []
    for _ in range(count):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))))
        term = rng.choice(terms)
        k = rng.randint(0, len(term))
        texts.append(
            rng.choice(["", "این ", "و به "])
            + term[:k]
            + rng.choice([" ", "\u200c", " " + term[k - 1 : k], "", "ـ"])
            + term[k:]
            + rng.choice(["", " است", "ها"])
        )
    return texts


@pytest.fixture(scope="module")
def rules():
    return m.load_rules(ROOT / "data/moderation/rules.toml")


def test_the_engine_agrees_with_its_plain_definitions(rules):
    lexicon = rules.of("lexicon")[0].lexicon
    relevance = rules.of("relevance")[0]
    article = m.article_words((ROOT / "content/news/1397/4385870.md").read_text("utf-8"), rules)
    for text in random_texts(rules):
        words = m.tokens(text)
        assert words == folding._TOKEN.findall(m.fold(text)), text
        assert m.detect_language(text) == reference_language(text), text
        assert lexicon.find(words) == reference_find(lexicon, words), text
        assert (m.check_text(relevance, text, words, article) is None) == reference_on_topic(
            relevance, words, article
        ), text


def joined_in_article(word, article):
    stem = checks._stem
    return any(
        word[:cut] in article.stems and article.has_pair(word[:cut], stem(word[cut:]))
        for cut in range(3, len(word) - 2)
    )


def reference_on_topic(relevance, words, article):
    """README.md's definition of ``relevance``, written plainly."""
    stem = checks._stem
    content = [w if len(w) > 1 and w not in relevance.stop_words else None for w in words]
    stems = {stem(w) for w in content if w}
    neighbours = [(a, b) for a, b in itertools.pairwise(content) if a and b]
    joined = {stem(w) for w in content if w and joined_in_article(w, article)}
    shared = {s for s in stems if s in article.stems} | joined
    shared |= {
        stem(a + b)
        for a, b in neighbours
        if stem(a) not in article.stems
        and stem(b) not in article.stems
        and stem(a + b) in article.stems
    }
    pairs = {(a, b) for a, b in neighbours if article.has_pair(stem(a), stem(b)) == 1}
    latin_or_digits = {s for s in stems if re.fullmatch("[0-9a-z]+", s)}
    counted = len(stems - shared - latin_or_digits) + len(shared)
    if counted < relevance.params["min_words"]:
        return True
    if not shared:
        return False
    evidence = len(shared) - 0.5 * min(len(pairs), len(shared) // 2)
    score = evidence * (1 + 2 / math.sqrt(counted * max(1, len(article.stems))))
    return score >= relevance.params["min_score"]


def test_every_one_letter_word_is_skipped_by_relevance(rules):
    relevance = rules.of("relevance")[0]
    every = (chr(c) for c in (*range(0xD800), *range(0xE000, 0x10000)))
    assert [c for c in every if folding._TOKEN.fullmatch(c) and c not in relevance.skip_words] == []
