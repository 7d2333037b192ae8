"""The whole loop in Chromium: the built article's form posts to the running
intake service, the reader lands back on the article with the note, the
file is in content/comments/, and the next build shows the comment.
"""

import pytest

from chapar.comments import store
from conftest import build_site, make_site, serve_folder
from intake_support import EXISTING, SEED, Service, comment_files, intake_news, on_topic


@pytest.fixture
def loop(tmp_path):
    site = make_site(tmp_path, news=intake_news(), comments=EXISTING)
    out = site / "output"
    out.mkdir()
    server, url = serve_folder(out)  # the folder is served as the builds replace it
    service = Service(site, "--rate-limit", 5, "--site-url", url)  # the page's origin
    build_site(site, output=out, COMMENTS={"endpoint": service.base})
    yield site, out, url, service
    service.stop()
    server.shutdown()


@pytest.mark.browser
def test_reader_posts_the_form_and_finds_the_comment_after_a_build(loop, page):
    site, out, url, service = loop
    page.goto(f"{url}/news/{SEED}/")
    assert not page.locator("#comments-sent").is_visible()
    page.fill("#comment-name", "خواننده مرورگر")
    page.fill("#comment-email", "browser.reader@example.org")
    page.fill("#comment-text", on_topic(77))
    page.click(".comment-form__submit")
    page.wait_for_url(f"{url}/news/{SEED}/#comments-sent")
    assert page.locator("#comments-sent").is_visible()
    assert "پس از به‌روزرسانی بعدی" in page.locator("#comments-sent").inner_text()
    [path] = [p for p in comment_files(site, SEED) if p.name not in ("1.md", "held.md")]
    comment, problems = store.read_comment(path, str(SEED))
    assert problems == []
    assert comment.email == "browser.reader@example.org"
    build_site(site, output=out, COMMENTS={"endpoint": service.base})
    page.goto(f"{url}/news/{SEED}/")
    assert page.locator(f"#comment-{comment.id}").inner_text().count("خواننده مرورگر") == 1
    assert page.console_errors == []
    assert page.external_requests == []
