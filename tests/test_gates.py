"""The publish gates that need no browser, on small planted outputs."""

import tasks
from chapar.publishing.gates import feed_problems, leaked_emails, leaked_texts, pages_of_each_type


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
