"""Moderators' desk benchmark: the cost of the desk page and of a decision.

    .venv/bin/python bench/bench_desk.py               # 1,000 articles, 4,000 comments
    .venv/bin/python bench/bench_desk.py --articles 250 --repeat 3
    .venv/bin/python bench/bench_desk.py --phone       # 50 held comments cleared at 360 px

Builds a synthetic site (bench/synthetic.py) in a temporary folder, adds a
moderator, and through Starlette's TestClient (no network) signs in, then
waits for the queue's read at start (every comment file read and moderated,
as ``invoke moderation`` does, in a background thread), times ``GET /desk/``
(the first reuses that read; the page rendered), ``GET /desk/queue.json`` and one
approval (``POST /desk/decide``: the queue read again, the Status written,
the audit log appended).  Prints the median and the slowest of ``--repeat``
runs of each.  A measurement, not a test.

``--phone`` instead starts the real service (tests/intake_support.py) on a
site with 50 held comments on 5 articles (Persian, 1–3 sentences; held as
off-topic, as an accusation with the hold word marked, or for two links) and
in Chromium at 360×800 (mobile, touch) signs in and clears the queue three
ways: ticking each comment's box and sending the approvals then the
rejections; tapping each comment's own button (a page load each); ticking
the few to reject, then «انتخاب همه» (``?pick=held``) for the rest.  Each
tap scrolls its target into view first.  Prints the taps and page loads,
the server side's wall seconds (each load's request to last byte, from the
browser's Navigation Timing), the whole scripted run's, the desk page's
weight (bytes, gzip) and a human's time estimated as max(taps, comments) ×
2 s of reading + the page loads (each as long as measured here, to its load event).
"""

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's helpers drive the phone step

from desk_support import PASSWORDS
from starlette.testclient import TestClient
from synthetic import make_site

from chapar.checks.serve import launch_chromium
from chapar.comments import store
from chapar.intake import Config, create_app
from chapar.intake.review import accounts
from chapar.intake.review.web import FONTS, RULE_NAMES
from chapar.persian.text import to_persian_digits
from conftest import make_site as fixture_site
from intake_support import OTHER, OTHER_ARTICLE, SEED, Service, intake_news

DESK = "https://testserver"


def timed(call, repeat):
    """``median …, max …`` milliseconds of ``repeat`` calls, as a line's end."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"


def main(argv=None):
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--phone", action="store_true", help="only the phone step: 50 held comments cleared"
    )
    args = parser.parse_args(argv)
    if args.phone:
        with tempfile.TemporaryDirectory() as tmp:
            phone_bench(tmp)
        return
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", args.articles, award_rows=10)
        accounts.add(site / "data/moderation/moderators.toml", "bench", "bench-password-1")
        comments = sorted((site / "content/comments").rglob("*.md"))
        app = create_app(Config.from_options(root=site))
        with TestClient(app, base_url=DESK, follow_redirects=False) as c:  # starts: warms
            bench_pages(app, c, comments, args)


def bench_pages(app, c, comments, args):
    """Time the start-up read, the first and later desk pages, the JSON and a decision."""
    start = time.perf_counter()
    app.state.warming.join()
    warmed = (time.perf_counter() - start) * 1000
    form = c.get("/desk/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)[1]
    data = {"csrf": csrf, "name": "bench", "password": "bench-password-1"}
    assert c.post("/desk/login", data=data, headers={"Origin": DESK}).status_code == 303
    start = time.perf_counter()
    page = c.get("/desk/").text  # the first: the queue read at start reused
    first = (time.perf_counter() - start) * 1000
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    waiting = c.get("/desk/queue.json").json()["waiting"]
    print(f"{args.articles} articles, {len(comments)} comments, {waiting} held")
    print(f"queue read at start   {warmed:.0f} ms more after the start (a background thread)")
    print(f"GET /desk/ (first)    {first:.0f} ms")
    print("GET /desk/           ", timed(lambda: c.get("/desk/"), args.repeat))
    print("GET /desk/queue.json ", timed(lambda: c.get("/desk/queue.json"), args.repeat))
    keys = iter(f"{p.parent.name}/{p.stem}" for p in comments)

    def approve():
        key = next(keys)
        body = urlencode({"csrf": csrf, "one": f"approved {key}", f"seen:{key}": ""})
        answer = c.post(
            "/desk/decide",
            content=body,
            headers={"Origin": DESK, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 303

    print("POST /desk/decide    ", timed(approve, args.repeat))


# --- a phone clearing 50 held comments --------------------------------------

OFF_TOPIC = (  # held by on-topic: nothing to do with the article
    "قیمت گوجه و پیاز در میدان تره‌بار این هفته دو برابر شده و فروشندگان ناراضی هستند.",
    "بازار خودرو این ماه شلوغ است و قیمت پراید دوباره بالا رفته است.",
    "تیم فوتبال شهر ما دیشب باخت و هواداران از مربی ناراحت بودند.",
    "کسی می‌داند کلاس‌های زبان انگلیسی تابستان از کی شروع می‌شود؟ ثبت‌نام کجاست؟",
    "باران دیروز خیابان‌های محله را آب گرفت و هیچ‌کس نیامد جوی‌ها را باز کند.",
    "اجاره‌خانه در تهران سر به فلک کشیده و مستأجرها نمی‌دانند چه کنند.",
    "نان سنگک محلهٔ ما هر روز کوچک‌تر می‌شود ولی قیمتش همان است.",
    "فیلم تازهٔ سینمای ایران را دیدم و از بازی بازیگرانش لذت بردم.",
    "کتابخانهٔ محله تا ساعت هشت شب باز است و جای نشستن کم دارد.",
    "اتوبوس‌های خط ده صبح‌ها دیر می‌آیند و مسافران سر کار دیر می‌رسند.",
)
ACCUSING = (  # held by no-insults' hold tier: an accusation said of someone
    "این مدیر کلاهبردار است و مردم را فریب داده است.",
    "فرماندار دروغگو است و هیچ‌کدام از وعده‌هایش را عمل نکرده است.",
    "این مسئول رشوه‌خوار است؛ همه در اداره این را می‌دانند.",
    "رئیس آن اداره دزد است و باید محاکمه شود.",
    "آن معاون متقلب است و آمارها را دستکاری کرده است.",
)
LINKS = (  # held by links: more than one link
    "گزارش کامل را اینجا ببینید https://example.com/a و اینجا https://example.org/b",
    "دو منبع دیگر: https://news.example.ir/1 و https://news.example.ir/2 را هم بخوانید.",
)
PHONE_ARTICLES = 5
HELD_COUNT = 50
# a page load's [request to last byte, to its load event] in ms (Navigation Timing)
TIMING = (
    "(() => { const n = performance.getEntriesByType('navigation')[0];"
    " return [n.responseEnd - n.startTime,"
    " Math.max(n.loadEventEnd, n.domContentLoadedEventEnd, n.responseEnd) - n.startTime]; })()"
)
READ_SECONDS = 2  # a moderator's reading of one comment before each tap (the estimate)


def held_comments(codes):
    """``{relative path: file text}``: HELD_COUNT distinct held comments over ``codes``.

    1–3 sentences each; every seventh accuses someone (held by the hold words, the word
    marked on the desk), a few carry two links, the rest are off-topic; no two alike on
    one article (the duplicate rule would reject the second).
    """
    files = {}
    for i in range(HELD_COUNT):
        j = i // len(codes)  # the comment's rank on its article: its sentences differ
        if i % 7 == 0:
            text = ACCUSING[(i // 7) % len(ACCUSING)]
        elif i % 12 == 1:
            text = LINKS[(i // 12) % len(LINKS)]
        else:
            text = OFF_TOPIC[j % len(OFF_TOPIC)]
        extra = OFF_TOPIC[(j * 3 + 1) % len(OFF_TOPIC)]
        sentences = [text, extra][: 1 + i % 2]
        if i % 3 == 0:
            sentences.append(f"این نظر شمارهٔ {to_persian_digits(i + 1)} من است.")
        code = codes[i % len(codes)]
        minute = i % 60
        files[f"{code}/held-{i:02d}.md"] = (
            f"Author: خوانندهٔ {to_persian_digits(i + 1)}\n"
            f"Date: 1397/06/{6 + i // 60:02d} 12:{minute:02d}\n\n" + " ".join(sentences) + "\n"
        )
    return files


def phone_site(folder):
    """A fixture site with PHONE_ARTICLES articles, HELD_COUNT held comments and a moderator."""
    news = intake_news()
    codes = [str(SEED), str(OTHER)]
    for k in range(PHONE_ARTICLES - 2):
        code = str(3000001 + k)
        news[f"1397/{code}.md"] = OTHER_ARTICLE.replace(str(OTHER), code)
        codes.append(code)
    folder.mkdir(parents=True)
    site = fixture_site(folder, news=news, comments=held_comments(codes))
    accounts.add(site / "data/moderation/moderators.toml", "sara", PASSWORDS["sara"])
    return site


def page_weight(page, base):
    """``(bytes, gzip bytes)`` of the desk page, and of the page with its CSS and fonts."""
    html = page.request.get(f"{base}/desk/").body()
    assets = [page.request.get(f"{base}/desk/static/desk.css").body()]
    assets += [page.request.get(f"{base}/desk/static/fonts/{name}").body() for name in FONTS]
    every = [html, *assets]
    return (
        (len(html), len(gzip.compress(html))),
        (sum(map(len, every)), sum(len(gzip.compress(b)) for b in every)),
    )


class Phone:
    """A Chromium page at 360×800 (touch) that counts taps and times page loads."""

    def __init__(self, browser, base):
        self.base = base
        self.context = browser.new_context(
            viewport={"width": 360, "height": 800},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )
        self.page = self.context.new_page()
        self.taps, self.loads, self.server, self.shown = 0, 0, 0.0, 0.0

    def tap(self, locator, loads=False):
        """Scroll ``locator`` into view and tap it; ``loads``: wait for the page it opens."""
        locator.scroll_into_view_if_needed()
        self.taps += 1
        if loads:
            with self.page.expect_navigation():
                locator.tap()
            self.loaded()
        else:
            locator.tap()

    def loaded(self):
        """Count a page load; add its request-to-last-byte time (redirects too) to
        ``server`` and its time until the page was loaded to ``shown``.
        """
        self.page.wait_for_load_state("load")
        self.loads += 1
        server, shown = self.page.evaluate(TIMING)
        self.server += server / 1000
        self.shown += shown / 1000

    def sign_in(self):
        """Open the desk, be sent to the form, type the name and password, send it."""
        self.page.goto(f"{self.base}/desk/")
        self.loaded()
        self.tap(self.page.locator("#login-name"))
        self.page.keyboard.type("sara")
        self.tap(self.page.locator("#login-password"))
        self.page.keyboard.type(PASSWORDS["sara"])
        self.tap(self.page.locator("button[type=submit]"), loads=True)

    def held(self):
        """The held comments listed now: ``[(key, reason rule)]``."""
        return [
            (li.get_attribute("data-key"), li.locator(".item__why").inner_text())
            for li in self.page.locator("#held li.item").all()
        ]

    def submit(self, decision):
        """Tap the held list's «… انتخاب‌شده‌ها» button for ``decision``."""
        self.tap(self.page.locator(f'#held button[name="decision"][value="{decision}"]'), True)


def to_reject(why):
    """The moderator's call on one held comment, from what the desk shows: accusations
    and link spam are rejected, an off-topic comment is let through.
    """
    return not why.startswith(RULE_NAMES["on-topic"])


def clear_by_ticking(phone):
    """Tick each comment to approve and send; then each to reject, and send."""
    listed = phone.held()
    for decision, wanted in (("approved", False), ("rejected", True)):
        for key, why in phone.held():
            if to_reject(why) == wanted:
                tap_box(phone, key)
        phone.submit(decision)
    return len(listed)


def clear_one_by_one(phone):
    """Tap each comment's own «انتشار» or «رد»: a page load each."""
    listed = phone.held()
    for key, why in listed:
        decision = "rejected" if to_reject(why) else "approved"
        phone.tap(phone.page.locator(f'#held button[name="one"][value="{decision} {key}"]'), True)
    return len(listed)


def clear_with_pick_all(phone):
    """Tick the few to reject and send; then «انتخاب همه» and send the rest as approved."""
    listed = phone.held()
    for key, why in listed:
        if to_reject(why):
            tap_box(phone, key)
    phone.submit("rejected")
    phone.tap(phone.page.locator("#held a.desk__pick"), loads=True)
    phone.submit("approved")
    return len(listed)


def tap_box(phone, key):
    """Tap comment ``key``'s checkbox."""
    phone.tap(phone.page.locator(f'#item-{key.replace("/", "-")} input[name="key"]'))


def phone_bench(tmp):
    """Clear HELD_COUNT held comments at 360 px both ways and print the figures."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for label, clear in (
                ("tick each", clear_by_ticking),
                ("each one's own button", clear_one_by_one),
                ("«انتخاب همه» (pick=held)", clear_with_pick_all),
            ):
                site = phone_site(Path(tmp) / clear.__name__)
                service = Service(site, "--desk-insecure-cookies")
                try:
                    phone = Phone(browser, service.base)
                    start = time.perf_counter()
                    phone.sign_in()
                    signin = (phone.taps, phone.loads)
                    if label == "tick each":
                        html, whole = page_weight(phone.page, service.base)
                    held = clear(phone)
                    wall = time.perf_counter() - start
                    left = len(phone.held())
                    phone.context.close()
                finally:
                    service.stop()
                statuses = [
                    store.read_comment(path, path.parent.name)[0].status
                    for path in sorted((site / "content/comments").rglob("held-*.md"))
                ]
                taps = phone.taps - signin[0]
                loads = phone.loads - signin[1]
                load_time = phone.shown / phone.loads
                human = max(taps, held) * READ_SECONDS + phone.loads * load_time
                assert held == HELD_COUNT, f"{held} held, not {HELD_COUNT}: the texts need fixing"
                print(f"phone, 360x800 touch, {label}: {held} held on {PHONE_ARTICLES} articles")
                print(
                    f"  cleared        {statuses.count('approved')} approved, "
                    f"{statuses.count('rejected')} rejected, {left} still held"
                )
                print(
                    f"  taps           {taps} to clear (+{signin[0]} to sign in); page loads "
                    f"{loads} (+{signin[1]} to sign in)"
                )
                print(
                    f"  wall           server side {phone.server:.2f} s "
                    f"(request to last byte, {phone.loads} loads), pages loaded {phone.shown:.2f} s; "
                    f"whole scripted run {wall:.2f} s"
                )
                print(
                    f"  a human        ~{human:.0f} s = max(taps, comments) {max(taps, held)} "
                    f"× {READ_SECONDS} s reading + {phone.loads} loads × {load_time:.2f} s measured "
                    "(typing the password aside)"
                )
            print(
                f"desk page with {HELD_COUNT} held: {html[0]:,} bytes, {html[1]:,} gzip; "
                f"with its CSS and fonts {whole[0]:,} bytes, {whole[1]:,} gzip"
            )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
