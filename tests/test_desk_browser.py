"""The moderators' desk in Chromium at 360 px: sign in, decide one and several
comments, see the files change; hostile comment text stays text; axe finds
nothing on the sign-in page or the desk.
"""

import pytest
from desk_support import PASSWORDS, XSS_AUTHOR, comment_file, desk_site

from chapar.checks.a11y import axe_violations
from chapar.comments import store
from intake_support import SEED, Service


@pytest.fixture
def desk(tmp_path):
    site = desk_site(tmp_path)
    service = Service(site, "--desk-insecure-cookies")  # plain http on 127.0.0.1
    yield site, service
    service.stop()


def status_of(site, name):
    comment, _problems = store.read_comment(comment_file(site, f"{SEED}/{name}"), str(SEED))
    return comment.status


@pytest.mark.browser
def test_moderator_signs_in_and_decides_on_a_phone(desk, page):
    site, service = desk
    hits, dialogs = [], []

    def hit(what):  # a bound builtin cannot be exposed: Playwright sets an attribute on it
        hits.append(what)

    page.expose_function("hit", hit)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto(f"{service.base}/desk/")
    page.wait_for_url(f"{service.base}/desk/login")
    assert axe_violations(page) == []
    page.fill("#login-name", "sara")
    page.fill("#login-password", PASSWORDS["sara"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{service.base}/desk/")
    assert page.title() == "(۳) میز ناظران — چاپار"
    assert "Vazirmatn" in page.eval_on_selector("body", "b => getComputedStyle(b).fontFamily")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []  # WCAG 2.1 A and AA, serious and critical

    # «انتخاب همه»: a plain link ticks every held comment shown, and the same link unticks them
    held_boxes = page.locator('#held input[name="key"]')
    page.click("#held a.desk__pick")
    page.wait_for_url(f"{service.base}/desk/?pick=held#held")
    assert [held_boxes.nth(i).is_checked() for i in range(held_boxes.count())] == [True] * 3
    assert not page.locator('#rejected input[name="key"]:checked').count()
    page.click("#held a.desk__pick")
    page.wait_for_url(f"{service.base}/desk/#held")
    assert page.locator('#held input[name="key"]:checked').count() == 0

    # several at once: two held comments rejected
    page.check(f'#item-{SEED}-held input[name="key"]')
    page.check(f'#item-{SEED}-held2 input[name="key"]')
    page.click('#held button[name="decision"][value="rejected"]')
    page.wait_for_url(f"{service.base}/desk/")
    assert status_of(site, "held") == status_of(site, "held2") == "rejected"
    assert "۲ نظر رد شد." in page.locator(".notice--success").inner_text()

    # one: the insult held for an editor is approved
    page.click(f'#item-{SEED}-insult button[value="approved {SEED}/insult"]')
    page.wait_for_url(f"{service.base}/desk/")
    assert status_of(site, "insult") == "approved"
    assert page.title() == "میز ناظران — چاپار"  # nothing waits

    # one: a published comment taken down
    page.click(f'#item-{SEED}-1 button[value="rejected {SEED}/1"]')
    page.wait_for_url(f"{service.base}/desk/")
    assert status_of(site, "1") == "rejected"

    # the hostile comment (rejected by the rules) is listed as text
    item = page.locator(f"#item-{SEED}-xss")
    assert item.locator(".item__author").inner_text() == XSS_AUTHOR
    assert "<script>window.hit('script')</script>" in item.locator(".item__body").inner_text()
    assert page.locator("main img, main script").count() == 0
    assert item.locator("a").count() == 1  # only the link to the article
    assert hits == []
    assert dialogs == []
    assert page.console_errors == []
    assert page.external_requests == []
