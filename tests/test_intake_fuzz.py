"""Fuzzing the running intake service (hypothesis): whatever arrives, the
answer is never a 5xx, and every file it writes is valid for the build.
"""

import json
from itertools import count
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapar.cli import moderation as cli
from chapar.comments import store
from chapar.intake.desk import FIELDS
from conftest import make_site
from intake_support import DRAFT, EXISTING, ORIGIN, SEED, Service, intake_news, on_topic, request

_serials = count(100)  # a new text each time: drawn integers repeat, and repeats are duplicates
ACCEPTED = []  # (status, answer) of the posts the service took

VALUES = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "held",
            "../1",
            "a\nStatus: approved",
            "\u200c",
            "x@y.z",
            "علی",
            on_topic(1),
            on_topic(2) + "\r\n**پررنگ**",
            "<script>x</script>",
        ]
    ),
)
JSON_VALUES = st.one_of(
    VALUES,
    st.none(),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
KEYS = st.one_of(st.sampled_from(FIELDS), st.text(max_size=10))
CODES = st.one_of(
    st.sampled_from(
        [
            str(SEED),
            quote("۴۳۸۵۸۷۰"),
            str(DRAFT),
            "0",
            "99999",
            "..",
            "%2e%2e",
            "%00",
            "4385870%2F..",
            "%FF",
            "4385870/",
        ]
    ),
    st.text(max_size=20).map(lambda t: quote(t, safe="")),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/json",
        "application/json; charset=utf-8",
        "application/x-www-form-urlencoded; charset=utf-16",
        "text/plain",
        "multipart/form-data; boundary=zz",
        "",
        "application/json; charset",
    ]
)


@st.composite
def requests(draw):
    code = draw(CODES)
    kind = draw(st.sampled_from(["plausible", "plausible", "form", "json", "bytes"]))
    if kind == "plausible":  # near the accepted path: the seed, a good text, odd extras
        code = str(SEED)
        odd = draw(st.integers(0, 3)) == 0  # one in four gets a fuzzed name or tail
        fields = {
            "name": draw(VALUES) if odd else "علی",
            "text": on_topic(next(_serials)) + (draw(VALUES) if odd else ""),
            "email": draw(st.sampled_from(["", "", "a@b.ir", "bad@", "a@b.c\n"])),
            "reply_to": draw(st.sampled_from(["", "", "1", "held", "../1", "۱"])),
            "website": draw(st.sampled_from(["", "", "", "", "x"])),
        }
        as_json = draw(st.booleans())
        body = (json.dumps(fields) if as_json else urlencode(fields)).encode()
        ctype = "application/json" if as_json else "application/x-www-form-urlencoded"
    elif kind == "form":
        pairs = draw(st.lists(st.tuples(KEYS, VALUES), max_size=7))
        if draw(st.booleans()):
            pairs += [("name", draw(VALUES)), ("text", draw(VALUES))]
        body = urlencode(pairs).encode()
        ctype = "application/x-www-form-urlencoded"
    elif kind == "json":
        data = draw(st.dictionaries(KEYS, JSON_VALUES, max_size=7))
        body = json.dumps(data, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
        ctype = "application/json"
    else:
        body = draw(st.binary(max_size=400))
        ctype = draw(CONTENT_TYPES)
    if draw(st.integers(0, 9)) == 0:
        ctype = draw(CONTENT_TYPES)
    headers = {"Content-Type": ctype}
    origin = draw(
        st.sampled_from(
            [ORIGIN, ORIGIN, ORIGIN, "http://localhost:8000", "null", None, "https://evil.example"]
        )
    )
    if origin:
        headers["Origin"] = origin
    if draw(st.booleans()):
        headers["Accept"] = "application/json"
    return f"/comments/{code}", body, headers


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("fuzz"), news=intake_news(), comments=EXISTING)
    svc = Service(site, "--rate-limit", 0, "--max-body", 4096)
    yield svc
    svc.stop()


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(req=requests())
def test_no_5xx_whatever_is_posted(service, req):
    path, body, headers = req
    status, _, reply = request(service.base, "POST", path, body, headers)
    assert status < 500, (path, body[:200], headers, reply[:300])
    assert status in (202, 303, 400, 403, 404, 413, 415, 422), status
    if status in (202, 303):
        ACCEPTED.append((path, body))


def test_what_the_fuzzing_wrote_is_valid_for_the_build(service):
    by_code, problems = store.read_all(
        service.site / "content/comments", cli.news_sources(service.site / "content/news")
    )
    assert problems == []
    assert not [
        p
        for p in (service.site / "content/comments").rglob("*")
        if p.is_file() and p.suffix != ".md"
    ]
    written = sum(len(comments) for comments in by_code.values()) - len(EXISTING)
    assert 0 < written <= len(ACCEPTED)  # honeypot posts are accepted, not written
