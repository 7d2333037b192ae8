"""The publish gates on small planted outputs, and every gate on the benchmark's stories."""

import concurrent.futures
import random

import tasks
from chapar.publishing.gates import (
    EMAIL,
    emails,
    feed_problems,
    leaked_emails,
    leaked_texts,
    pages_of_each_type,
)


def write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_an_email_anywhere_in_the_output_is_found(tmp_path):
    write(tmp_path, "news/1/index.html", "<p>نظر</p>")
    write(tmp_path, "pagefind/fragment/x.pf_meta", "reader@example.com")
    assert leaked_emails(tmp_path) == [
        "pagefind/fragment/x.pf_meta: e-mail address reader@example.com"
    ]


def test_addresses_are_found_around_each_at_sign_as_the_pattern_finds_them():
    """The privacy gate looks for addresses only around an ``@``; it must find what
    the pattern finds over the whole text, in any mix of letters and signs.
    """
    rng = random.Random(1397)
    pieces = [*'ab.+-@_ <>"1Zخبر،', "\u200c", ".ir", ".com", "@x.io", "user@mail.example.ir"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert emails(text) == set(EMAIL.findall(text)), text
    page = "<p>" + "خبر " * 5000 + "خواننده‌ای نوشت «reader.one+news@mail.example.ir».</p>"
    assert emails(page) == {"reader.one+news@mail.example.ir"}
    assert emails('{"@context": "https://schema.org", "@type": "NewsArticle"}') == set()


def test_held_comment_text_is_found(tmp_path):
    write(tmp_path, "feeds/all.atom.xml", "<feed>این نظر نگه داشته شده است</feed>")
    problems = leaked_texts(tmp_path, {"held comment 1/2": "نظر نگه داشته شده"})
    assert problems == ["feeds/all.atom.xml: contains held comment 1/2"]


def test_the_project_hands_its_held_comments_to_the_gate():
    secrets = tasks._secrets()
    assert any(label.startswith(("held comment", "rejected comment")) for label in secrets)
    assert all(len(text) >= 10 for text in secrets.values())


def test_feeds_must_parse_and_carry_gregorian_timestamps(tmp_path):
    write(
        tmp_path,
        "feeds/all.atom.xml",
        '<feed xmlns="http://www.w3.org/2005/Atom"><updated>1397-06-05T09:07:00+04:30</updated></feed>',
    )
    write(tmp_path, "feeds/all.rss.xml", "<rss><channel><pubDate>not a date")
    problems = feed_problems(tmp_path)
    assert any("<updated> '1397-06-05T09:07:00+04:30'" in p for p in problems)
    assert any(p.startswith("feeds/all.rss.xml: does not parse") for p in problems)


def test_the_real_site_passes_the_feed_gate_and_has_every_page_type(real_site):
    assert feed_problems(real_site) == []
    assert leaked_emails(real_site) == []
    kinds = pages_of_each_type(real_site)
    assert {"home", "article", "tag", "category", "archive month", "search"} <= set(kinds)


def test_the_benchmarks_stories_of_500_to_1500_words_pass_every_gate(tmp_path):
    """The synthetic site of bench/ (4 comments an article) with stories of
    500 to 1,500 words, built for the public address as ``invoke publish``
    builds it: every gate passes (the old uncompressed 40 KB budget stopped
    every one of them).
    """
    import sys

    from chapar.cli.moderation import collect, news_sources
    from chapar.publishing.gates import run_gates, withheld_texts
    from conftest import ROOT, build_site

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synthetic import make_site
    finally:
        sys.path.remove(str(ROOT / "bench"))

    site = make_site(tmp_path / "site", 11, award_rows=200, paragraphs=(5, 15))
    lengths = sorted(
        len(p.read_text("utf-8").split("\n\n", 1)[1].split())
        for p in (site / "content/news").rglob("*.md")
    )
    assert lengths[0] == 500 and lengths[-1] == 1500  # noqa: PT018
    siteurl = "https://news.example.ir"
    out = build_site(site, settings="publishconf.py", SITEURL=siteurl, FEED_DOMAIN=siteurl)
    news = news_sources(site / "content/news")
    rows, problems = collect(site, news)
    assert problems == []
    secrets = withheld_texts(rows, news.values())
    # In a thread of its own, as `invoke publish` runs it: the browser tests'
    # session keeps an asyncio loop running in this one, where Playwright's
    # sync API refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results = pool.submit(run_gates, out, siteurl, secrets=secrets).result()
    assert results == {gate: [] for gate in results}
    assert {"html", "links", "budgets", "privacy", "feeds", "accessibility"} <= set(results)


def test_the_checkers_run_beside_the_python_gates(tmp_path, monkeypatch):
    """The Nu checker and axe-core start while the links gate runs, not after it."""
    import threading

    from chapar.publishing import gates

    links_started = threading.Event()

    def links(_root, _siteurl, **_kwargs):
        links_started.set()
        return []

    def waits_for_links(name):
        def gate(*_args, **_kwargs):
            assert links_started.wait(10), f"{name} ran only after the links gate"
            return [f"{name} problem"]

        return gate

    monkeypatch.setattr(gates, "broken_links", links)
    monkeypatch.setattr(gates, "vnu_errors", waits_for_links("html"))
    monkeypatch.setattr(gates, "axe_problems", waits_for_links("axe"))
    monkeypatch.setattr(gates, "budget_problems", lambda *_a, **_k: [])
    monkeypatch.setattr(gates, "feed_problems", lambda *_a, **_k: [])
    results = gates.run_gates(tmp_path)
    assert list(results) == ["html", "links", "budgets", "privacy", "feeds", "accessibility"]
    assert results["html"] == ["html problem"]
    assert results["accessibility"] == ["axe problem"]
