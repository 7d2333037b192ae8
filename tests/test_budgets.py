"""The publish gates count what the theme costs a reader, and look for what was withheld."""

import shutil

import pytest
from invoke import Context

import tasks
from chapar.checks import pages
from chapar.checks.budgets import budget_problems, overhead_html, page_weight
from chapar.cli.moderation import collect, news_sources
from chapar.publishing.gates import leaked_texts, withheld_texts
from conftest import ROOT, build_site, make_site, news_item

SENTENCE = "استاندار خراسان شمالی در جشنواره شهید رجایی از دستگاه‌های برتر استان تقدیر کرد و گفت "


def write(root, rel, text):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def long_story(words):
    body = []
    while sum(len(p.split()) for p in body) < words:
        body.append(SENTENCE * 4)
    return "\n\n".join(body)


def test_a_long_story_with_comments_passes_the_budgets(tmp_path):
    """A 1,500-word story is news, not theme weight: its page passes (it broke
    the uncompressed 40 KB HTML+CSS budget the gates used to apply).
    """
    comments = {
        f"7/{n}.md": f"Author: خواننده {n}\nDate: 1397/06/05 1{n}:00\n\nنظر شماره {n} دربارهٔ تقدیر استاندار از دستگاه‌ها.\n"
        for n in range(1, 5)
    }
    site = make_site(
        tmp_path, news={"a.md": news_item(7, body=long_story(1500))}, comments=comments
    )
    out = build_site(site)
    page = out / "news/7/index.html"
    css = sum(p.stat().st_size for p in (out / "theme/css").glob("*.css"))
    assert page.stat().st_size + css > 40 * 1024  # the old budget: HTML+CSS before compression
    assert budget_problems(out) == []
    weight = page_weight(out, "news/7/index.html")
    assert 0 < weight["html"] < len(overhead_html(page)) < page.stat().st_size
    assert weight["css"] > 0


def test_the_budget_is_the_themes_overhead_not_the_news(tmp_path):
    heavy = "".join(f"<span class=x{n}>{n * 7919 % 1000003}</span>" for n in range(6000))
    write(
        tmp_path,
        "news/1/index.html",
        f'<div class="news__body"><!--news--><p>{heavy}</p><!--/news--></div>'
        f'<p class="lead"><!--news-->{heavy}<!--/news--></p>',
    )
    write(tmp_path, "news/2/index.html", f'<div class="news__body"><p>{heavy}</p></div>')
    problems = budget_problems(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["news/2/index.html"]  # no marks: all overhead
    assert "HTML without the news text" in problems[0]
    assert "gzipped" in problems[0]
    overhead = overhead_html(tmp_path / "news/1/index.html").decode()
    assert overhead == (
        '<div class="news__body"><!--news--><!--/news--></div>'
        '<p class="lead"><!--news--><!--/news--></p>'
    )


@pytest.mark.parametrize(
    "page",
    [
        "<p><!--news-->a</p>",
        "<p><!--news-->a<!--news-->b<!--/news--></p>",
        "<p>a<!--/news--></p>",
        "<p><!--news-->a<!--/news-->b<!--/news--></p>",
    ],
)
def test_news_marks_that_do_not_pair_are_a_problem_not_a_guess(tmp_path, page):
    write(tmp_path, "news/1/index.html", page)
    write(tmp_path, "news/2/index.html", "<p><!--news-->a<!--/news--></p>")
    problems = budget_problems(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("news/1/index.html: the news text's marks do not pair: ")


def test_a_page_whose_marks_do_not_pair_still_has_its_lead_photo_checked(tmp_path):
    picture = (
        '<picture><source type="image/webp" srcset="/images/a-720.webp 720w">'
        '<img src="/images/a.jpg" fetchpriority="high" alt=""></picture>'
    )
    write(tmp_path, "news/1/index.html", f"<p><!--news-->a</p>{picture}")
    assert budget_problems(tmp_path) == [
        "news/1/index.html: the news text's marks do not pair: <!--news--> without its <!--/news-->",
        "news/1/index.html: lead photo /images/a-720.webp is not in the site",
    ]


def test_an_editor_cannot_mark_news_text_and_the_theme_marks_body_and_lead(tmp_path):
    """The sanitiser strips every comment from a story's HTML, so a story cannot end the
    theme's news text early or hide the page after it from the budget.
    """
    body = f"{SENTENCE}\n\n<!--/news--><p>{SENTENCE}</p><!--news-->\n\n{SENTENCE}"
    lead = "Dateline: بجنورد\nLead: استاندار خراسان شمالی از دستگاه‌های برتر تقدیر کرد.\n"
    site = make_site(tmp_path, news={"a.md": news_item(7, extra=lead, body=body)})
    out = build_site(site)
    page = out / "news/7/index.html"
    text = page.read_text("utf-8")
    assert text.count("<!--news-->") == text.count("<!--/news-->") == 2  # the lead and the body
    overhead = overhead_html(page).decode()
    assert SENTENCE.strip() not in overhead
    assert '<p class="lead"><!--news--><!--/news--></p>' in overhead  # (its meta copy counts)
    assert 'class="news__title"' in overhead
    assert "</footer>" in overhead


def test_stylesheets_and_scripts_are_counted_compressed(tmp_path):
    css = write(
        tmp_path, "theme/css/a.css", "".join(f".c{n}{{color:#{n:06x}}}\n" for n in range(4000))
    )
    write(tmp_path, "theme/js/a.js", "var a = 1;\n" * 10)
    write(
        tmp_path,
        "news/1/index.html",
        '<link rel="stylesheet" href="/theme/css/a.css"><script src="/theme/js/a.js"></script><p>x</p>',
    )
    weight = page_weight(tmp_path, "news/1/index.html")
    assert 0 < weight["css"] < css.stat().st_size
    assert weight["scripts"] > 0
    assert any(": CSS " in p for p in budget_problems(tmp_path, css_limit=weight["css"] - 1))
    assert any(": scripts " in p for p in budget_problems(tmp_path, script_limit=1))


def test_a_check_reads_each_page_and_compresses_each_stylesheet_once(tmp_path, monkeypatch):
    """Every article page links the same stylesheet and script: a check of 3 pages
    compresses each once, and parses each page once for its weight and its
    external resources, with the same problems as page by page.
    """
    from chapar.checks import budgets

    write(tmp_path, "theme/css/a.css", "".join(f".c{n}{{color:#{n:06x}}}\n" for n in range(400)))
    write(tmp_path, "theme/js/a.js", "var a = 1;\n" * 10)
    head = '<link rel="stylesheet" href="/theme/css/a.css"><script src="/theme/js/a.js"></script>'
    for n in (1, 2, 3):
        outside = '<img src="https://cdn.example.com/x.png" alt="">' if n == 2 else ""
        write(tmp_path, f"news/{n}/index.html", f"{head}<p>{n}</p>{outside}")
    write(tmp_path, "index.html", '<script src="https://cdn.example.com/a.js"></script>')
    alone = {n: page_weight(tmp_path, f"news/{n}/index.html") for n in (1, 2, 3)}
    parsed, compressed = [], []
    monkeypatch.setattr(budgets, "parse", lambda path: parsed.append(path) or pages.parse(path))
    real = budgets.transfer_size
    monkeypatch.setattr(
        budgets, "transfer_size", lambda data: compressed.append(data) or real(data)
    )
    problems = budget_problems(tmp_path, css_limit=alone[1]["css"] - 1)
    assert sorted(parsed) == sorted(tmp_path.rglob("*.html"))  # each page once
    assert len(compressed) == 3 + 2  # each page's overhead; the stylesheet and the script
    assert problems == [
        *(
            f"news/{n}/index.html: CSS {alone[n]['css']} bytes gzipped > budget "
            f"{alone[1]['css'] - 1}"
            for n in (1, 2, 3)
        ),
        "index.html: https://cdn.example.com/a.js (external resource)",
        "news/2/index.html: https://cdn.example.com/x.png (external resource)",
    ]


def test_an_unknown_budget_setting_is_named():
    with pytest.raises(ValueError, match="html_css_limit"):
        budget_problems(".", html_css_limit=10)


# --- privacy: what was withheld, not equal text that was published -------------------

DUPLICATE = "تقدیر استاندار خراسان شمالی از دستگاه‌های برتر جشنواره شهید رجایی کار خوبی بود."


def duplicate_site(tmp_path, extra=None):
    comments = {
        "7/1.md": f"Author: الف\nDate: 1397/06/05 10:00\n\n{DUPLICATE}\n",
        "7/2.md": f"Author: الف\nDate: 1397/06/05 10:05\n\n{DUPLICATE}\n",
        **(extra or {}),
    }
    site = make_site(tmp_path, news={"a.md": news_item(7, body=SENTENCE)}, comments=comments)
    for folder in ("news", "comments"):  # the sample content holds a held comment
        shutil.copytree(ROOT / "content" / folder, site / "content" / folder, dirs_exist_ok=True)
    return site


def test_a_rightly_published_copy_of_a_rejected_duplicate_is_no_leak(tmp_path):
    site = duplicate_site(tmp_path)
    out = build_site(site)
    rows, problems = collect(site)
    assert problems == []
    assert {(k, d.status, d.rule) for k, d, _ in rows if k.startswith("7/")} == {
        ("7/1", "published", ""),
        ("7/2", "rejected", "duplicate"),
    }
    secrets = withheld_texts(rows, news_sources(site / "content/news").values())
    assert not any(label.endswith("7/2") for label in secrets)
    assert leaked_texts(out, secrets) == []


def test_a_withheld_comment_is_still_found_where_it_leaked(tmp_path):
    site = duplicate_site(tmp_path)
    out = build_site(site)
    rows, _ = collect(site)
    secrets = withheld_texts(rows)
    held = {label: text for label, text in secrets.items() if label.startswith("held comment")}
    assert held  # the sample content holds a comment
    label, text = next(iter(held.items()))
    write(out, "news/7/index.html", (out / "news/7/index.html").read_text("utf-8") + text)
    assert leaked_texts(out, secrets) == [f"news/7/index.html: contains {label}"]


def test_the_build_reports_what_the_whole_site_withholds_and_keeps_it(tmp_path):
    from chapar.comments.withheld import Collected

    site = duplicate_site(tmp_path)
    with Collected() as first:
        out = build_site(site, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    rows, _ = collect(site)
    reference = withheld_texts(rows, news_sources(site / "content/news").values())
    assert reference  # the sample's held comment
    assert first.texts == reference
    with Collected() as again:  # every thread from the cache, with its texts
        build_site(site, output=out, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    assert again.texts == reference
    import chapar_comments

    assert chapar_comments.LAST_BUILD["moderated"] == 0


def test_a_text_withheld_here_but_published_elsewhere_is_asked_of_the_whole_site(tmp_path):
    from chapar.comments.withheld import Collected
    from chapar.publishing.gates import confirming

    # an editor rejects under one story the text a reader posted under another
    site = duplicate_site(
        tmp_path,
        extra={"8/1.md": f"Author: ب\nDate: 1397/06/05 11:00\nStatus: rejected\n\n{DUPLICATE}\n"},
    )
    (site / "content/news/b.md").write_text(news_item(8, body=SENTENCE), encoding="utf-8")
    with Collected() as built:
        out = build_site(site)
    label = "rejected comment 8/1"
    assert built.texts[label] == DUPLICATE  # its thread cannot know 7/1 shows it
    asked = []

    def reference():
        asked.append(1)
        rows, _ = collect(site)
        return withheld_texts(rows, news_sources(site / "content/news").values())

    assert leaked_texts(out, built.texts) == [f"news/7/index.html: contains {label}"]
    confirm = confirming(reference)
    assert leaked_texts(out, built.texts, confirm=confirm) == []  # the whole site knows
    # a real leak is still found, and the whole site was read once for both questions
    held = next(k for k in built.texts if k.startswith("held comment"))
    page = out / "news/8/index.html"
    page.write_text(page.read_text("utf-8") + built.texts[held], "utf-8")
    found = leaked_texts(out, built.texts, confirm=confirm)
    assert found == [f"news/8/index.html: contains {held}"]
    assert asked == [1]


def test_publish_names_a_missing_gate_tool_in_one_line(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "playwright" else real(name, *a),
    )
    with pytest.raises(SystemExit) as exit_:
        tasks._ensure_checkers(None)
    message = str(exit_.value)
    assert "\n" not in message
    assert "playwright" in message
    assert "requirements-test.txt" in message


class _Context(Context):
    """invoke's Context that records commands instead of running them, and can fail."""

    def __init__(self, fail=None):
        super().__init__()
        self._set(commands=[], fail=fail)

    def run(self, command, **kwargs):
        from invoke.exceptions import UnexpectedExit
        from invoke.runners import Result

        self.commands.append(command)
        if self.fail and self.fail in command:
            raise UnexpectedExit(
                Result(command=command, exited=1, stderr="npm ERR! network unreachable\n")
            )

    def cd(self, path):
        import contextlib

        return contextlib.nullcontext()


def _no_vnu(monkeypatch, tmp_path, which):
    import shutil as shutil_module

    import chapar.checks.html

    real = shutil_module.which
    monkeypatch.setattr(chapar.checks.html, "VNU_JAR", tmp_path / "missing" / "vnu.jar")
    monkeypatch.setattr(shutil_module, "which", lambda name, *a: which.get(name, real(name, *a)))


def test_publish_without_npm_for_the_html_checker_says_so_in_one_line(monkeypatch, tmp_path):
    _no_vnu(monkeypatch, tmp_path, {"npm": None})
    context = _Context()
    with pytest.raises(SystemExit) as exit_:
        tasks._ensure_checkers(context)
    message = str(exit_.value)
    assert "\n" not in message
    assert "npm" in message
    assert "vnu.jar" in message
    assert context.commands == []


def test_a_failed_install_of_the_gates_tools_is_one_line_not_a_traceback(monkeypatch, tmp_path):
    _no_vnu(monkeypatch, tmp_path, {"npm": "/usr/bin/npm"})
    context = _Context(fail="npm ci")
    with pytest.raises(SystemExit) as exit_:
        tasks._ensure_checkers(context)
    message = str(exit_.value)
    assert "\n" not in message
    assert "npm ci" in message
    assert "network unreachable" in message
    assert "invoke setup-tests" in message
    assert any("npm ci" in command for command in context.commands)
