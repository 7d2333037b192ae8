"""The moderators' desk over HTTP (Starlette's TestClient): sign-in, sessions, form
tokens, decisions, the audit log and git mode (README.md, Moderators' desk).
"""

import json
import re
import subprocess
import sys
import threading

import pytest
from desk_support import (
    DESK,
    PASSWORDS,
    XSS_AUTHOR,
    client,
    comment_file,
    copy_site,
    decide,
    desk_app,
    desk_site,
    sign_in,
    snapshot,
    token,
)

from chapar.cli import moderation as cli
from chapar.comments import store
from chapar.intake.review import accounts
from conftest import ROOT
from intake_support import ORIGIN, OTHER, SEED, on_topic

HELD = f"{SEED}/held"
HELD2 = f"{SEED}/held2"
PUBLISHED = f"{SEED}/1"


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def site(tmp_path):
    return desk_site(tmp_path)


@pytest.fixture
def app(site):
    return desk_app(site)


def audit(site):
    path = site / "data/moderation/audit.log"
    return (
        [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []
    )


def status_of(site, key):
    comment, problems = store.read_comment(comment_file(site, key), str(SEED))
    assert problems == []
    return comment.status


# --- nothing without signing in ---------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/desk", 302),
        ("GET", "/desk/", 302),
        ("GET", f"/desk/?article={SEED}&rule=on-topic", 302),
        ("POST", "/desk/decide", 302),
        ("POST", "/desk/logout", 302),
        ("GET", "/desk/queue.json", 401),
        ("GET", "/desk/static/desk.css", 401),
        ("GET", "/desk/static/fonts/vazirmatn-arabic-wght-normal.woff2", 401),
    ],
)
def test_every_desk_url_needs_signing_in(site, app, method, path, status):
    before = snapshot(site)
    c = client(app)
    data = {"csrf": "x", "one": f"approved {HELD}", f"seen:{HELD}": ""}
    answer = c.request(
        method, path, data=data if method == "POST" else None, headers={"Origin": DESK}
    )
    assert answer.status_code == status
    if status == 302:
        assert answer.headers["location"] in ("/desk/login", "/desk/")
    for secret in ("قیمت گوجه", "اجرای کامل", "waiting", "Vazirmatn", "مریم"):
        assert secret not in answer.text
    assert snapshot(site) == before


def test_security_headers_and_cookie_flags(app):
    c = client(app)
    login = c.get("/desk/login")
    cookie = login.headers["set-cookie"].lower()
    for flag in ("httponly", "secure", "samesite=strict", "path=/desk", "max-age=28800"):
        assert flag in cookie
    sign_in(c)
    for answer in (login, c.get("/desk/"), c.get("/desk/static/desk.css")):
        csp = answer.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store"


def test_desk_lists_held_first_with_article_rule_reason_and_persian_counts(app):
    c = client(app)
    page = sign_in(c)
    # held: held, held2 (on-topic), insult (no-insults' hold tier); xss is rejected (persian-only)
    assert "<title>(۳) میز ناظران — چاپار</title>" in page
    held = page[page.index('id="held"') : page.index('id="rejected"')]
    keys = [
        line.split('data-key="')[1].split('"')[0] for line in held.split("\n") if "data-key" in line
    ]
    assert keys == [f"{SEED}/insult", HELD2, HELD]  # newest first
    assert "دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت" in held
    assert "نامرتبط با خبر" in held
    assert "shares 0 of its" in held
    assert "<mark>كلاهبردار</mark>" in held or "<mark>کلاهبردار</mark>" in held
    assert "۵ شهریور ۱۳۹۷، ۱۲:۰۰" in held  # Jalali, Persian digits
    rejected = page[page.index('id="rejected"') : page.index('id="published"')]
    assert f'data-key="{SEED}/xss"' in rejected
    assert "غیر فارسی" in rejected
    published = page[page.index('id="published"') :]
    assert PUBLISHED in published
    # the filters: by rule, by article
    only = c.get("/desk/?rule=no-insults").text
    assert f'data-key="{SEED}/insult"' in only
    assert f'data-key="{HELD}"' not in only
    assert "data-key" not in c.get("/desk/?article=1000001").text
    assert c.get("/desk/queue.json").json()["waiting"] == 3


def test_comment_text_and_author_are_shown_as_text(app):
    c = client(app)
    page = sign_in(c)
    assert "<script>window.hit" not in page
    assert "&lt;script&gt;window.hit(&#39;script&#39;)&lt;/script&gt;" in page
    assert XSS_AUTHOR not in page
    assert "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page


# --- decisions ------------------------------------------------------------------


def test_approve_writes_what_invoke_moderation_writes_and_is_audited(site, app, tmp_path):
    twin = copy_site(site, tmp_path / "twin")
    c = client(app)
    page = sign_in(c)
    answer = decide(c, page, "approved", HELD)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/"
    result = run_invoke(twin, "moderation", "--approve", HELD)
    assert result.returncode == 0, result.stderr
    assert comment_file(site, HELD).read_bytes() == comment_file(twin, HELD).read_bytes()
    assert status_of(site, HELD) == "approved"
    [entry] = audit(site)
    assert entry["moderator"] == "sara"
    assert entry["comment"] == HELD
    assert entry["decision"] == "approved"
    assert entry["before"] == ""
    assert entry["was"] == "held"
    assert entry["rule"] == "on-topic"
    after = c.get("/desk/").text
    assert "۱ نظر منتشر می‌شود." in after
    assert "<title>(۲) میز ناظران" in after


def test_reject_and_take_down_and_several_at_once(site, app):
    c = client(app)
    page = sign_in(c)
    decide(c, page, "rejected", PUBLISHED)  # take a published one down
    assert status_of(site, PUBLISHED) == "rejected"
    page = c.get("/desk/").text
    decide(c, page, "rejected", HELD, HELD2, one=False)
    assert status_of(site, HELD) == status_of(site, HELD2) == "rejected"
    page = c.get("/desk/").text
    assert "۲ نظر رد شد." in page
    # rescue a false alarm from the rejected list
    rejected = page[page.index('id="rejected"') : page.index('id="published"')]
    assert f'data-key="{HELD2}"' in rejected
    decide(c, page, "approved", HELD2, seen={HELD2: "rejected"})
    assert status_of(site, HELD2) == "approved"
    assert [(e["comment"], e["decision"]) for e in audit(site)] == [
        (PUBLISHED, "rejected"),
        (HELD, "rejected"),
        (HELD2, "rejected"),
        (HELD2, "approved"),
    ]


def test_two_moderators_deciding_one_comment(site, app):
    sara, reza = client(app, "10.0.0.1"), client(app, "10.0.0.2")
    sara_page, reza_page = sign_in(sara, "sara"), sign_in(reza, "reza")
    decide(sara, sara_page, "approved", HELD)
    written = comment_file(site, HELD).read_bytes()
    answer = decide(reza, reza_page, "rejected", HELD)  # the page reza saw: no Status yet
    assert answer.status_code == 303
    page = reza.get("/desk/").text
    assert f"نظر {HELD} را پیش‌تر sara تصمیم گرفته بود (اکنون: تأییدشده)" in page
    assert comment_file(site, HELD).read_bytes() == written
    assert written.decode().count("Status:") == 1
    assert len(audit(site)) == 1
    # the same decision twice (a double click) is not written twice either
    decide(sara, sara_page, "approved", HELD)
    assert len(audit(site)) == 1


def test_an_editors_decision_in_between_is_kept(site, app):
    c = client(app)
    page = sign_in(c)
    cli.set_status(site, HELD, "rejected")  # `invoke moderation --reject` after the page loaded
    written = comment_file(site, HELD).read_bytes()
    decide(c, page, "approved", HELD)
    assert "را پیش‌تر کس دیگری تصمیم گرفته بود (اکنون: ردشده)" in c.get("/desk/").text
    assert comment_file(site, HELD).read_bytes() == written
    assert audit(site) == []


def test_set_status_compares_under_the_files_lock(site):
    from chapar.comments.status import Conflict, set_status

    before = comment_file(site, HELD).read_bytes()
    with pytest.raises(Conflict) as conflict:
        set_status(site, HELD, "approved", expect="rejected")
    assert conflict.value.status == ""
    assert comment_file(site, HELD).read_bytes() == before
    set_status(site, HELD, "approved", expect="")
    with pytest.raises(Conflict):
        set_status(site, HELD, "rejected", expect="")
    assert status_of(site, HELD) == "approved"


@pytest.mark.parametrize(
    "key",
    [
        "../../pelicanconf",
        f"{SEED}/../../../pelicanconf",
        f"{SEED}/..",
        f"{SEED}/held.md",
        f"{SEED}/held/../1",
        "/etc/passwd",
        f"{SEED}\\held",
        f"{SEED}/held\x00",
        "",
    ],
)
def test_path_like_comment_ids_are_refused(site, app, key):
    c = client(app)
    page = sign_in(c)
    before = snapshot(site)
    answer = decide(c, page, "approved", key)
    assert answer.status_code == 400
    assert snapshot(site) == before


def test_unknown_comment_and_static_paths(site, app):
    c = client(app)
    page = sign_in(c)
    before = snapshot(site)
    decide(c, page, "approved", f"{SEED}/nope")
    assert "پیدا نشد" in c.get("/desk/").text
    for path in ("/desk/static/../../pelicanconf.py", "/desk/static/%2e%2e/pelicanconf.py"):
        answer = c.get(path)
        assert answer.status_code == 404
        assert b"SITENAME" not in answer.content
    assert snapshot(site) == before


# --- cross-site requests ---------------------------------------------------------


@pytest.mark.parametrize(
    ("csrf", "origin"),
    [
        ("", DESK),  # no token
        ("forged-token", DESK),  # a wrong one
        (None, "https://evil.example"),  # the right token from another site
        (None, "null"),
        (None, ""),  # neither Origin nor Referer
    ],
)
def test_forged_posts_are_refused_and_write_nothing(site, app, csrf, origin):
    c = client(app)
    page = sign_in(c)
    before = snapshot(site)
    answer = decide(c, page, "approved", HELD, csrf=csrf, origin=origin)
    assert answer.status_code == 403
    assert snapshot(site) == before


def test_sign_in_needs_the_form_token_and_the_origin(app):
    c = client(app)
    form = c.get("/desk/login")
    data = {"name": "sara", "password": PASSWORDS["sara"]}
    assert c.post("/desk/login", data=data, headers={"Origin": DESK}).status_code == 403
    data["csrf"] = token(form.text)
    assert (
        c.post("/desk/login", data=data, headers={"Origin": "https://evil.example"}).status_code
        == 403
    )
    assert c.get("/desk/").status_code == 302


# --- sessions ----------------------------------------------------------------------


def test_a_cookie_kept_after_sign_out_is_refused(site, app):
    c = client(app)
    page = sign_in(c)
    stolen = dict(c.cookies)
    answer = c.post("/desk/logout", data={"csrf": token(page)}, headers={"Origin": DESK})
    assert answer.status_code == 303
    assert c.get("/desk/").status_code == 302
    thief = client(app, "10.9.9.9")
    thief.cookies.update(stolen)
    assert thief.get("/desk/").status_code == 302
    assert thief.get("/desk/queue.json").status_code == 401
    before = snapshot(site)
    assert decide(thief, page, "approved", HELD).status_code == 302
    assert snapshot(site) == before


def test_an_expired_session_is_refused(app):
    clock = Clock()
    app.state.review.sessions.clock = clock
    c = client(app)
    sign_in(c)
    clock.now += 8 * 3600 - 5
    assert c.get("/desk/").status_code == 200
    clock.now += 10
    assert c.get("/desk/").status_code == 302
    assert c.get("/desk/queue.json").status_code == 401


def test_a_new_password_or_a_removed_account_ends_sessions(site, app):
    sara, reza = client(app, "10.0.0.1"), client(app, "10.0.0.2")
    sign_in(sara, "sara")
    sign_in(reza, "reza")
    moderators = site / "data/moderation/moderators.toml"
    accounts.set_password(moderators, "sara", "a-new-password-3")
    accounts.remove(moderators, "reza")
    assert sara.get("/desk/").status_code == 302
    assert reza.get("/desk/").status_code == 302
    sign_in(sara, "sara", "a-new-password-3")


# --- sign-in throttle -------------------------------------------------------------


def failed(c, name="sara", password="wrong password"):
    form = c.get("/desk/login")
    return c.post(
        "/desk/login",
        data={"csrf": token(form.text), "name": name, "password": password},
        headers={"Origin": DESK},
    )


def test_brute_force_is_slowed_then_locked_and_the_lock_lifts(app):
    clock = Clock()
    app.state.review.throttle.clock = clock
    c = client(app)
    for _ in range(3):  # the free failures
        assert failed(c).status_code == 401
    assert failed(c).status_code == 401  # the 4th: the next must wait 1 s
    slowed = failed(c, password=PASSWORDS["sara"])
    assert slowed.status_code == 429
    assert slowed.headers["retry-after"] == "2"
    assert c.get("/desk/").status_code == 302
    delays = []
    for _ in range(5):  # failures 5..9, each after the wait the last one set
        clock.now += 100
        assert failed(c).status_code == 401
        delays.append(app.state.review.throttle.wait("name:sara"))
    assert delays == [2.0, 4.0, 8.0, 16.0, 32.0]  # growing
    clock.now += 100
    assert failed(c).status_code == 401  # the 10th: locked
    clock.now += 600
    locked = failed(c, password=PASSWORDS["sara"])  # the right password, but locked
    assert locked.status_code == 429
    assert "قفل" in locked.text
    # the account is locked from any address, and the address for any account
    assert failed(client(app, "10.7.7.7"), password=PASSWORDS["sara"]).status_code == 429
    assert failed(c, "reza", PASSWORDS["reza"]).status_code == 429
    clock.now += 301  # 15 minutes after the lock: lifted
    sign_in(c)


# --- git mode -------------------------------------------------------------------------


def git(cwd, *args):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_git_mode_commits_each_decision_as_its_moderator(site):
    git(site, "init", "-q", "-b", "main")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "site")
    accounts.add(
        site / "data/moderation/moderators.toml", "mina", "mina-password-4", "mina@chapar.ir"
    )
    app = desk_app(site, commit=True)
    with client(app) as c:  # the lifespan: the git worker runs
        page = sign_in(c)
        decide(c, page, "approved", HELD)
        other = client(app, "10.0.0.5")
        page = sign_in(other, "mina", "mina-password-4")
        decide(other, page, "rejected", HELD2, f"{SEED}/xss", one=False)
    log = git(site, "log", "--format=%an <%ae>|%cn|%s", "-3").splitlines()
    assert log[0] == (
        "mina <mina@chapar.ir>|Chapar comment intake|Comments: 2 rejected by mina on the moderators' desk"
    )
    assert (
        log[1]
        == f"sara <sara@desk>|Chapar comment intake|Comment {HELD} approved by sara on the moderators' desk"
    )
    files = git(site, "show", "--name-only", "--format=", "HEAD~1").split()
    assert sorted(files) == ["content/comments/4385870/held.md", "data/moderation/audit.log"]
    assert (
        git(site, "show", f"HEAD:content/comments/{SEED}/held2.md").count("Status: rejected") == 1
    )
    assert git(site, "status", "--porcelain", "--", "content", "data/moderation/audit.log") == ""


# --- the invoke verbs --------------------------------------------------------------------


def run_invoke(site, *args, stdin=""):
    # tasks.py works on the folder it lives in; run a copy inside the fixture site
    (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=site,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,  # no terminal: getpass reads the password from stdin
    )


def test_invoke_moderator_adds_an_account_holding_only_an_argon2_hash(tmp_path):
    site = desk_site(tmp_path)
    password = "a-long-secret-5"
    result = run_invoke(site, "moderator", "--add", "nima", stdin=f"{password}\n{password}\n")
    assert result.returncode == 0, result.stderr
    text = (site / "data/moderation/moderators.toml").read_text("utf-8")
    assert password not in text
    entry = accounts.read(site / "data/moderation/moderators.toml")["nima"]
    assert entry.hash.startswith("$argon2id$")
    assert accounts.Accounts(site / "data/moderation/moderators.toml").verify("nima", password)
    # mismatched passwords, a password on the command line: nothing changes
    result = run_invoke(
        site, "moderator", "--add", "nava", stdin="one-password-6\nother-password-7\n"
    )
    assert result.returncode != 0
    assert "nava" not in accounts.read(site / "data/moderation/moderators.toml")
    assert run_invoke(site, "moderator", "--remove", "nima").returncode == 0
    assert "nima" not in accounts.read(site / "data/moderation/moderators.toml")


def test_manage_moderator_asks_with_getpass(tmp_path, monkeypatch):
    site = desk_site(tmp_path)
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "pw-from-getpass")
    cli.manage_moderator(site, password="sara")
    assert asked == ["password for sara: ", "password for sara again: "]
    assert accounts.Accounts(site / "data/moderation/moderators.toml").verify(
        "sara", "pw-from-getpass"
    )
    with pytest.raises(ValueError, match="at least 10"):
        cli.manage_moderator(site, add="short", ask=lambda prompt: "short")


def test_moderation_queue_prints_the_held_comments(site):
    text = cli.queue(site)
    assert text.startswith("۳ نظر در انتظار بررسی (3 held)")
    assert HELD in text
    assert PUBLISHED not in text
    for key in (HELD, HELD2, f"{SEED}/insult"):
        cli.set_status(site, key, "approved")
    assert cli.queue(site) == ""


def test_the_cookie_key_comes_from_the_environment_or_a_file(tmp_path, monkeypatch):
    from chapar.intake.review.web import desk_secret

    monkeypatch.delenv("CHAPAR_DESK_SECRET", raising=False)
    key_file = tmp_path / "desk-secret"
    key_file.write_text("k" * 48 + "\n")
    assert desk_secret(key_file) == "k" * 48
    monkeypatch.setenv("CHAPAR_DESK_SECRET", "e" * 40)
    assert desk_secret(key_file) == "e" * 40  # the environment wins
    monkeypatch.setenv("CHAPAR_DESK_SECRET", "short")
    with pytest.raises(ValueError, match="at least 32"):
        desk_secret()
    monkeypatch.delenv("CHAPAR_DESK_SECRET")
    assert desk_secret() != desk_secret()  # none given: a random key per start


def test_old_failures_are_forgotten():
    from chapar.intake.review.signin import SignInThrottle

    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    for _ in range(3):
        throttle.failed("name:sara")
    clock.now += 900
    throttle.failed("name:sara")  # a 4th, but 15 minutes after the others: a fresh count
    assert throttle.wait("name:sara") == 0


def test_attempts_sent_at_once_count_before_they_are_checked():
    from chapar.intake.review.signin import SignInThrottle

    throttle = SignInThrottle(clock=Clock())
    started = [throttle.attempt("addr:10.0.0.1", "name:sara") for _ in range(20)]
    assert started[:4] == [0, 0, 0, 0]  # 3 free, the 4th sets the first wait
    assert all(wait > 0 for wait in started[4:])  # the rest refused unchecked
    throttle.succeeded("addr:10.0.0.1", "name:sara")
    assert throttle.attempt("addr:10.0.0.1", "name:sara") == 0


def test_a_comment_over_the_hard_limit_offers_no_decision(site, app):
    long = comment_file(site, f"{SEED}/long")
    long.write_text("Author: پرحرف\nDate: 1397/06/05 16:00\n\n" + "دولت " * 2100 + "\n", "utf-8")
    c = client(app)
    page = sign_in(c)
    item = page[page.index(f'data-key="{SEED}/long"') :].split("</li>")[0]
    assert "بلندتر از حد مجاز" in item
    assert "هیچ Status این را منتشر نمی‌کند" in item
    assert 'name="one"' not in item


def test_the_hostile_suites_vectors_inject_nothing_into_the_desk(tmp_path):
    from hostile_support import ALL_VECTORS, armed, injected, one_line

    held = "قیمت گوجه و پیاز در میدان تره‌بار تهران این هفته دو برابر شده و فروشندگان ناراضی هستند."
    comments = {
        f"{SEED}/v{i}.md": f"Author: {one_line(armed(v, f'author{i}'))}\n"
        f"Date: 1397/06/05 10:{i:02d}\n\n{held}\n\n{armed(v, f'comment{i}')}\n"
        for i, v in enumerate(ALL_VECTORS)
    }
    site = desk_site(tmp_path, comments=comments)
    c = client(desk_app(site))
    page = sign_in(c)
    assert page.count('data-key="') == len(ALL_VECTORS)  # every one listed
    assert injected(page) == []


def test_pick_held_ticks_every_held_comment_shown_without_a_script(site, app):
    c = client(app)
    page = sign_in(c)
    assert 'href="/desk/?pick=held#held"' in page  # a link: no script, the CSP allows none inline
    assert " checked" not in page
    picked = c.get("/desk/?rule=on-topic&pick=held").text
    assert 'href="/desk/?rule=on-topic#held"' in picked  # the same link clears the ticks
    boxes = re.findall(r'<input type="checkbox" name="key" value="([^"]+)"( checked)?>', picked)
    assert sorted(k for k, ticked in boxes if ticked) == [HELD, HELD2]  # on-topic's only
    assert all(ticked for _k, ticked in boxes)  # the filter shows no other list's comments
    answer = decide(c, picked, "approved", HELD, HELD2, one=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/"  # no filter given back: nothing ticked after
    assert status_of(site, HELD) == status_of(site, HELD2) == "approved"
    rest = c.get("/desk/?pick=held").text
    boxes = re.findall(r'name="key" value="([^"]+)"( checked)?>', rest)
    assert [k for k, ticked in boxes if ticked] == [f"{SEED}/insult"]


def test_no_desk_leaves_the_desk_out_for_the_benchmark_only(site, capsys):
    from chapar.intake.__main__ import parse_args

    assert parse_args([]).desk is True
    assert parse_args(["--no-desk"]).desk is False
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    assert "no-desk" not in capsys.readouterr().out  # not an operator's option
    app = desk_app(site, desk=False)
    assert app.state.review is None
    c = client(app)
    for path in ("/desk", "/desk/", "/desk/login", "/desk/static/desk.css"):
        assert c.get(path).status_code == 404
    assert c.get("/healthz").status_code == 200


def test_the_queue_is_read_in_the_background_at_start_and_the_first_page_reuses_it(
    site, monkeypatch
):
    from chapar.intake.review.queue import QueueReader

    real, reads = QueueReader._read_thread, []
    entered, release = threading.Event(), threading.Event()

    def read_thread(self, *args):
        entered.set()
        release.wait(30)  # the start-up read waits here until the test lets it go
        reads.append(args[0])
        return real(self, *args)

    monkeypatch.setattr(QueueReader, "_read_thread", read_thread)
    app = desk_app(site)
    with client(app) as c:  # the lifespan runs: the service starts
        assert c.get("/healthz").status_code == 200  # ready while the queue is being read
        assert entered.wait(30)  # the folders were listed: the post below is news to it
        answer = c.post(
            f"/comments/{OTHER}",
            json={"name": "مریم", "text": on_topic(1)},
            headers={"Origin": ORIGIN},
        )
        assert answer.status_code == 202  # comments are taken meanwhile
        assert app.state.warming.is_alive()
        release.set()
        app.state.warming.join(30)
        assert reads == [str(SEED)]
        page = sign_in(c)
        assert "<title>(۳) میز ناظران" in page
        assert reads == [str(SEED), str(OTHER)]  # only the new comment's folder read again


def test_no_moderators_file_no_start_up_read(tmp_path):
    site = desk_site(tmp_path)
    (site / "data/moderation/moderators.toml").unlink()
    app = desk_app(site)
    with client(app):
        assert app.state.warming is None
