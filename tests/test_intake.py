"""The comment intake service, running on 127.0.0.1: every answer it gives,
what it writes (and does not), and the comment on its page after a build.
"""

import json
import socket
from itertools import count
from urllib.parse import quote

import pytest

from chapar import moderation
from chapar.cli import moderation as cli
from chapar.comments import store
from chapar.comments.compose import comment_text, file_date
from chapar.intake.limits import RateLimiter
from conftest import build_site, make_site
from intake_support import (
    DRAFT,
    EXISTING,
    ORIGIN,
    SEED,
    Service,
    comment_files,
    intake_news,
    on_topic,
    post,
    request,
)

RATE = 12
INSULT = "این استاندار یک احمـــق بیشعور است و دولت الکترونیک را بهانه کرده"
FINGLISH = "dolat electronic kheili khoobe, merci az khabar"
OFF_TOPIC = "قیمت گوجه و پیاز در میدان تره‌بار تهران این هفته دو برابر شده و فروشندگان ناراضی شده‌اند"
NO_INSULTS = "نظرات حاوی توهین و هرگونه نسبت ناروا به اشخاص حقیقی و حقوقی منتشر نمی‌شود."
PERSIAN_ONLY = "نظراتی که غیر از زبان فارسی یا غیر مرتبط با خبر باشد منتشر نمی‌شود."

_clients = count(1)


def client():
    """A new client address (X-Forwarded-For from 127.0.0.1 is trusted), so
    that the rate limit only bites where a test wants it to.
    """
    n = next(_clients)
    return f"10.0.{n // 250}.{n % 250 + 1}"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("intake"), news=intake_news(), comments=EXISTING)
    svc = Service(site, "--rate-limit", RATE, "--max-body", 16384)
    yield svc
    svc.stop()


def send(service, fields, code=SEED, **kw):
    kw.setdefault("client", client())
    return post(service.base, code, fields, **kw)


def answer(body):
    return json.loads(body.decode("utf-8"))


def files(service, code=SEED):
    return comment_files(service.site, code)


def test_form_post_is_written_and_redirected_to_the_article(service):
    before = files(service)
    status, headers, _ = send(
        service,
        {
            "name": "علی رضایی",
            "email": "ali@example.org",
            "text": on_topic(1),
            "reply_to": "",
            "website": "",
        },
    )
    assert status == 303
    assert headers["location"] == f"{ORIGIN}/news/{SEED}/#comments-sent"
    new = sorted(set(files(service)) - set(before))
    assert len(new) == 1
    comment, problems = store.read_comment(new[0], str(SEED))
    assert problems == []
    assert comment.author == "علی رضایی"
    assert comment.email == "ali@example.org"
    assert comment.body == on_topic(1)
    assert comment.reply_to == ""
    assert comment.id == new[0].stem
    assert not [p for p in new[0].parent.iterdir() if not p.name.endswith(".md")]


def test_json_post_answers_in_json_without_the_email(service):
    status, headers, body = send(
        service,
        {"name": "سارا", "email": "sara.secret@example.org", "text": on_topic(2)},
        as_json=True,
    )
    assert status == 202
    assert headers["content-type"].startswith("application/json")
    data = answer(body)
    assert data["status"] == "published"
    assert data["appears"] == "after-next-build"
    assert data["news_code"] == str(SEED)
    assert "به‌روزرسانی" in data["message"]
    assert b"sara.secret" not in body
    path = service.site / "content/comments" / str(SEED) / f"{data['id']}.md"
    assert "Email: sara.secret@example.org" in path.read_text(encoding="utf-8")


def test_held_comment_is_written_and_said_to_wait_for_review(service):
    status, _, body = send(service, {"name": "حسن", "text": OFF_TOPIC}, as_json=True)
    data = answer(body)
    assert status == 202
    assert data["status"] == "held"
    assert data["appears"] == "after-review"
    assert "بررسی" in data["message"]
    status, headers, _ = send(service, {"name": "حسن", "text": OFF_TOPIC + " واقعا"})
    assert status == 303
    assert headers["location"].endswith("#comments-held")


@pytest.mark.parametrize(
    ("text", "rule", "reader_text"),
    [
        (INSULT, "no-insults", NO_INSULTS),
        (FINGLISH, "persian-only", PERSIAN_ONLY),
        # Arabic ي read as typed: the file's display normalisation would make it «یا ریت»
        ("يا ريت", "persian-only", PERSIAN_ONLY),
        ("x" * 3001, "length", "نظر شما بیش از اندازه طولانی است (حداکثر 3000 نویسه)."),
    ],
)
def test_rejected_comment_gets_422_with_the_rules_reader_text(service, text, rule, reader_text):
    before = files(service)
    status, _, body = send(service, {"name": "ناشناس", "text": text}, as_json=True)
    assert status == 422
    assert answer(body) == {"error": "rejected", "message": reader_text, "rule": rule}
    status, headers, page = send(service, {"name": "ناشناس", "text": text})
    assert status == 422
    assert headers["content-type"].startswith("text/html")
    assert reader_text.encode() in page
    assert b'dir="rtl"' in page
    assert files(service) == before


def test_the_same_text_twice_is_a_duplicate(service):
    text = on_topic(3)
    assert send(service, {"name": "یک", "text": text}, as_json=True)[0] == 202
    before = files(service)
    status, _, body = send(service, {"name": "دو", "text": text + "!!"}, as_json=True)
    assert status == 422
    assert answer(body)["rule"] == "duplicate"
    assert "پیش‌تر" in answer(body)["message"]
    assert files(service) == before


def test_reply_to_a_published_comment(service):
    status, _, body = send(
        service, {"name": "رضا", "text": on_topic(4), "reply_to": "1"}, as_json=True
    )
    assert status == 202
    path = service.site / "content/comments" / str(SEED) / f"{answer(body)['id']}.md"
    assert "ReplyTo: 1" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("reply_to", ["nope", "held", "../../etc/passwd", "1/../1", "a b"])
def test_reply_to_must_name_a_published_comment(service, reply_to):
    before = files(service)
    status, _, body = send(
        service, {"name": "رضا", "text": on_topic(5), "reply_to": reply_to}, as_json=True
    )
    assert status == 422
    assert answer(body)["error"] == "bad_reply_to"
    assert files(service) == before


@pytest.mark.parametrize("as_json", [False, True])
def test_honeypot_answers_accepted_and_writes_nothing(service, as_json):
    before = files(service)
    status, headers, body = send(
        service,
        {"name": "bot", "text": on_topic(6), "website": "http://spam.example"},
        as_json=as_json,
    )
    if as_json:
        assert status == 202
        assert answer(body)["status"] == "published"
    else:
        assert status == 303
        assert headers["location"].endswith("#comments-sent")
    assert files(service) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:8000.evil.example"},
        {},  # neither Origin nor Referer
        {"Referer": "https://evil.example/news/4385870/"},
    ],
)
def test_other_origins_get_403(service, headers):
    before = files(service)
    status, _, _ = send(service, {"name": "علی", "text": on_topic(7)}, origin=None, headers=headers)
    assert status == 403
    assert files(service) == before


def test_referer_stands_in_for_a_missing_origin(service):
    status, _, _ = send(
        service,
        {"name": "علی", "text": on_topic(8)},
        origin=None,
        headers={"Referer": f"{ORIGIN}/news/{SEED}/"},
    )
    assert status == 303


def test_localhost_is_the_same_site_as_127_0_0_1(service):
    assert (
        send(service, {"name": "علی", "text": on_topic(9)}, origin="http://localhost:8000")[0]
        == 303
    )


def test_cors_preflight_for_the_in_page_script(service):
    status, headers, _ = request(
        service.base,
        "OPTIONS",
        f"/comments/{SEED}",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == ORIGIN
    status, _, _ = request(
        service.base,
        "OPTIONS",
        f"/comments/{SEED}",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert status == 400


def test_body_over_the_limit_gets_413(service):
    before = files(service)
    fields = {"name": "علی", "text": "دولت الکترونیک " * 2000}
    status, _, body = send(service, fields, as_json=True)
    assert status == 413
    assert answer(body)["error"] == "too_large"
    assert files(service) == before


def test_chunked_body_over_the_limit_gets_413(service):
    """No Content-Length to trust: the service counts what it reads."""
    before = files(service)
    chunk = b"text=" + b"a" * 4000
    with socket.create_connection(("127.0.0.1", service.port), timeout=10) as sock:
        sock.sendall(
            f"POST /comments/{SEED} HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\n"
            f"X-Forwarded-For: {client()}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        for _ in range(5):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        sock.sendall(b"0\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")
    assert files(service) == before


def test_more_posts_than_the_rate_limit_get_429(service):
    who = client()
    statuses = [send(service, {"name": "علی"}, client=who)[0] for _ in range(RATE)]
    assert statuses == [400] * RATE  # every post counts, even refused ones
    status, headers, body = send(
        service, {"name": "علی", "text": on_topic(10)}, client=who, as_json=True
    )
    assert status == 429
    assert answer(body)["error"] == "rate_limited"
    assert 1 <= int(headers["retry-after"]) <= 60
    assert send(service, {"name": "علی", "text": on_topic(10)})[0] == 303  # another client


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, window=60, clock=lambda: now[0])
    assert [limiter.hit("a"), limiter.hit("a"), limiter.hit("b")] == [0, 0, 0]
    assert limiter.hit("a") == 60
    now[0] = 59.5
    assert limiter.hit("a") == 1
    now[0] = 60.0
    assert limiter.hit("a") == 0


@pytest.mark.parametrize(
    ("body", "content_type", "error"),
    [
        (b"name=%FF%FE&text=abc", None, "encoding"),
        ("name=علی&text=".encode() + b"\xff\xfe", None, "encoding"),
        (b'{"name": "\xff", "text": "x"}', "application/json", "encoding"),
        (b'{"name": "a",', "application/json", "malformed"),
        (b'["name", "text"]', "application/json", "malformed"),
        (b'{"name": 5, "text": "x"}', "application/json", "malformed"),
        (b"[" * 5000, "application/json", "malformed"),
        (b"name=a&name=b&text=x", None, "field_twice"),
        (b"text=%D8%B3%D9%84%D8%A7%D9%85", None, "missing_name"),
        (b"name=%D8%B9%D9%84%DB%8C&text=+%0A+", None, "missing_text"),
        (b"name=%E2%80%8C&text=abc", None, "bad_name"),  # a ZWNJ is not a name
        (b"name=a%0AStatus%3A+approved&text=abc", None, "bad_name"),  # no header smuggling
        (b"name=a%E2%80%A8Status%3A+approved&text=abc", None, "bad_name"),
        (b"name=a&email=not-an-email&text=abc", None, "bad_email"),
        (b"name=a&email=a%40b.c%0AStatus%3A+approved&text=abc", None, "bad_email"),
        (b"name=a&text=abc%00def", None, "bad_text"),
        (b'{"name": "a", "text": "\\ud800"}', "application/json", "bad_text"),
    ],
)
def test_bad_input_gets_a_clear_400_and_writes_nothing(service, body, content_type, error):
    before = files(service)
    status, _, reply = send(
        service,
        None,
        body=body,
        content_type=content_type,
        as_json=False,
        headers={"Accept": "application/json"},
    )
    assert status == 400, reply
    assert answer(reply)["error"] == error
    assert answer(reply)["message"]
    assert files(service) == before


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data; boundary=x",
        "text/plain",
        "",
        "application/x-www-form-urlencoded; charset=latin-1",
    ],
)
def test_other_content_types_get_415(service, content_type):
    status, _, _ = send(service, None, body=b"name=a&text=b", content_type=content_type)
    assert status == 415


@pytest.mark.parametrize(
    "path",
    [
        "/comments/99999",
        f"/comments/{DRAFT}",
        "/comments/0",
        "/comments/abc",
        "/comments/4385870abc",
        "/comments/..%2F..%2Fdata",
        "/comments/%2E%2E",
        "/comments/-4385870",
        "/comments/4385870.md",
        "/comments/" + "9" * 40,
    ],
)
def test_unknown_draft_or_path_like_newscode_gets_404(service, path):
    before = {p for p in (service.site / "content").rglob("*") if p.is_file()}
    status, _, _body = request(
        service.base,
        "POST",
        path,
        f"name=a&text={quote(on_topic(11))}".encode(),
        {
            "Origin": ORIGIN,
            "X-Forwarded-For": client(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    assert status == 404
    assert {p for p in (service.site / "content").rglob("*") if p.is_file()} == before


def test_persian_digits_in_the_newscode(service):
    status, headers, _ = send(service, {"name": "علی", "text": on_topic(12)}, code="۴۳۸۵۸۷۰")
    assert status == 303
    assert headers["location"] == f"{ORIGIN}/news/{SEED}/#comments-sent"


def test_get_is_not_allowed(service):
    assert request(service.base, "GET", f"/comments/{SEED}")[0] == 405


def test_openapi_description(service):
    status, _, body = request(service.base, "GET", "/openapi.json")
    doc = answer(body)
    assert status == 200
    assert doc["openapi"].startswith("3.")
    operation = doc["paths"]["/comments/{newsCode}"]["post"]
    assert set(operation["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "application/json",
    }
    assert {"202", "303", "400", "403", "404", "413", "415", "422", "429"} <= set(
        operation["responses"]
    )
    assert set(doc["components"]["schemas"]["Comment"]["properties"]) == {
        "name",
        "email",
        "text",
        "reply_to",
        "website",
    }


def test_compose_round_trips_through_the_store(tmp_path):
    from datetime import datetime

    from chapar.persian.dates import TEHRAN

    now = datetime(2026, 7, 14, 10, 22, 33, tzinfo=TEHRAN)
    text = comment_text("سلام\r\nدنیا", author="علی", date=file_date(now), replyto="1", email="")
    assert text == "Author: علی\nDate: 1405/04/23 10:22:33\nReplyTo: 1\n\nسلام\nدنیا\n"
    comment, problems = store.parse_comment(text, tmp_path / "x-1.md", "1")
    assert problems == []
    assert comment.date == now
    assert comment.id == "x-1"
    with pytest.raises(ValueError, match="must be one line"):
        comment_text("x", author="a\nStatus: approved")


def test_everything_written_is_valid_and_decided_as_the_service_said(service):
    """The files the tests above left pass the build's checks; the rules give
    the published ones 'published' and the held ones 'held'.
    """
    news = cli.news_sources(service.site / "content/news")
    by_code, problems = store.read_all(service.site / "content/comments", news)
    assert problems == []
    rules = moderation.load_rules(service.site / "data/moderation/rules.toml")
    decisions = moderation.moderate_article(rules, by_code[str(SEED)], news[str(SEED)])
    statuses = {c.body: decisions[c.id].status for c in by_code[str(SEED)]}
    assert statuses[on_topic(1)] == "published"
    assert statuses[OFF_TOPIC] == "held"
    assert not any(INSULT in body or FINGLISH in body for body in statuses)


def test_a_written_comment_appears_on_its_article_after_a_build(service):
    status, _, body = send(
        service,
        {"name": "خواننده‌ی تازه", "email": "new.reader@example.org", "text": on_topic(13)},
        as_json=True,
    )
    assert status == 202
    new_id = answer(body)["id"]
    out = build_site(service.site, COMMENTS={"endpoint": "http://127.0.0.1:8787"})
    page = (out / "news" / str(SEED) / "index.html").read_text(encoding="utf-8")
    assert f'<article id="comment-{new_id}"' in page
    assert "خواننده‌ی تازه" in page
    assert on_topic(13) in page
    assert 'action="http://127.0.0.1:8787/comments/4385870"' in page
    assert 'id="comments-sent"' in page
    assert 'id="comments-held"' in page
    assert OFF_TOPIC not in page
    leaked = [
        p
        for p in out.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".xml", ".json")
        and b"new.reader@example.org" in p.read_bytes()
    ]
    assert leaked == []
