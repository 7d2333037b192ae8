"""Hostile comments in headless Chromium: nothing runs, no on* attribute, no
non-http(s) URL; and the reply button and the checks before sending.
"""

import pytest

from conftest import build_site, make_site, news_item, serve_folder

CODE = 4385870

# Classic vectors: script, event attributes, javascript:/data:/vbscript: URLs,
# svg and math, entity-encoded and mixed-case schemes, unclosed tags, Markdown
# links and images, CSS, meta refresh, forms, iframes, templates.
VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">پیوند</a>',
    '<a href="JaVaScRiPt:alert(1)">پیوند</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "[پیوند](javascript:alert(1))",
    "[پیوند](JAVASCRIPT:alert(1))",
    "[پیوند](data:text/html,<script>alert(1)</script>)",
    "![تصویر](javascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)",
    "<<script>alert(1);//<</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<template><img src=x onerror=alert(1)></template>",
    '<a href="https://example.com" onclick="alert(1)">امن</a>',
    "<p onmouseover=alert(1)>متن</p>",
    '"><script>alert(1)</script>',
]

HOOK = """
window.__alerts = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__alerts.push([name, ...args]); };
}
"""

INSPECT = """
() => {
  const section = document.querySelector("#comments");
  const bad = [];
  for (const el of section.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) bad.push(el.tagName + " " + name);
      if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "style"].includes(name)) {
        const value = attr.value.trim();
        const inForm = el.closest("form");
        if (name === "style" || (!inForm && !/^(https?:\\/\\/|#)/i.test(value))) bad.push(el.tagName + " " + name + "=" + value);
      }
    }
  }
  const bodies = [...section.querySelectorAll(".comment__body *")].map(e => e.tagName.toLowerCase());
  return {bad, tags: [...new Set(bodies)], count: section.querySelectorAll(".comment").length};
}
"""


def comment(index, body, author=None):
    author = author or f"<img src=x onerror=alert({index})>نویسنده {index}"
    return f"Author: {author}\nDate: 1397/06/05 10:{index:02d}\nStatus: approved\n\n{body}\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xss")
    comments = {f"{CODE}/{i}.md": comment(i, body) for i, body in enumerate(VECTORS, 1)}
    comments[f"{CODE}/ok.md"] = (
        "Author: مریم\nDate: 1397/06/05 11:00\n\n"
        "اجرای **دولت الکترونیک** در ادارات استان لازم است. [گزارش](https://example.com/a)\n"
    )
    site = make_site(
        tmp,
        news={
            "1.md": news_item(CODE, title="دولت الکترونیک", body="دولت الکترونیک در ادارات استان.")
        },
        comments=comments,
    )
    # every vector on the article's page (README.md, Comments: pages of 20 and 8 KB by default)
    out = build_site(
        site,
        COMMENTS={"endpoint": "http://127.0.0.1:9/intake", "per_page": 100, "page_bytes": 1 << 20},
    )
    server, url = serve_folder(out)
    yield url
    server.shutdown()


@pytest.mark.browser
def test_at_least_25_vectors():
    assert len(VECTORS) >= 25


@pytest.mark.browser
def test_hostile_comments_render_inert(hostile_site, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(HOOK)
    page.goto(f"{hostile_site}/news/{CODE}/")
    page.wait_for_load_state("load")
    page.mouse.move(200, 300)
    page.evaluate("""() => {
      for (const el of document.querySelectorAll("#comments *")) {
        for (const type of ["mouseover", "focus", "toggle", "load", "error", "animationstart"]) {
          el.dispatchEvent(new Event(type));
        }
      }
    }""")
    found = page.evaluate(INSPECT)
    assert found["count"] == len(VECTORS) + 1  # every vector published (approved) and inert
    assert found["bad"] == []
    assert set(found["tags"]) <= {"p", "br", "strong", "em", "a"}
    assert page.evaluate("window.__alerts") == []
    assert dialogs == []
    links = page.eval_on_selector_all(
        "#comments .comment__body a", "els => els.map(a => [a.getAttribute('href'), a.rel])"
    )
    hrefs = [href for href, _ in links if href is not None]
    assert hrefs == ["https://example.com/a"]  # the Markdown link; a reader's <a> is text
    assert '<a href="https://example.com" onclick="alert(1)">امن</a>' in page.inner_text(
        "#comments"
    )
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    assert all(rel == "nofollow ugc noopener" for _, rel in links)
    assert "<img src=x onerror=alert(1)>نویسنده 1" in page.inner_text("#comment-1 .comment__author")


@pytest.mark.browser
def test_reply_button_and_checks_before_sending(hostile_site, page):
    page.goto(f"{hostile_site}/news/{CODE}/")
    page.click("#comment-ok .comment__reply")
    assert page.input_value("input[name=reply_to]") == "ok"
    notice = page.locator(".comment-form__replying")
    assert notice.is_visible()
    assert notice.inner_text().startswith("شما در حال پاسخ به نظر «مریم» هستید.")
    requests = []
    page.on("request", lambda r: r.method == "POST" and requests.append(r.url))
    page.fill("#comment-name", "علی")
    for text, message in [
        ("merci kheili khoob bood", "لطفاً نظر خود را به زبان فارسی بنویسید."),
        ("این مدیر بیشعـــور است", "نظر شما واژه‌هایی دارد که منتشر نمی‌شود."),
    ]:
        page.fill("#comment-text", text)
        page.click(".comment-form__submit")
        page.wait_for_function(
            "document.querySelector('.comment-form__status').textContent.length > 0"
        )
        assert page.inner_text(".comment-form__status").startswith(message)
        page.evaluate("document.querySelector('.comment-form__status').textContent = ''")
    assert requests == []
    page.fill("#comment-text", "اجرای دولت الکترونیک در استان ضروری است.")
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.click(".comment-form__submit")
    assert posted.value.url.endswith(f"/intake/comments/{CODE}")
    assert "reply_to=ok" in posted.value.post_data


# --- comment pages ----------------------------------------------------------------


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory):
    """60 comments in threads of a comment and five replies, each to the one
    before: several pages, threads continued across them.
    """
    comments = {}
    for i in range(60):
        reply = f"ReplyTo: {i - 1}\n" if i % 6 else ""
        comments[f"{CODE}/{i}.md"] = (
            f"Author: خواننده {i}\nDate: 1397/06/05 {10 + i // 60:02d}:{i % 60:02d}\n{reply}"
            f"Status: approved\n\nنظر شماره {i} درباره دولت الکترونیک در ادارات استان.\n"
        )
    site = make_site(
        tmp_path_factory.mktemp("paged"),
        news={"1.md": news_item(CODE, title="دولت الکترونیک", body="متن خبر.")},
        comments=comments,
    )
    out = build_site(site, COMMENTS={"endpoint": "http://127.0.0.1:9/intake"})
    server, url = serve_folder(out)
    yield url
    server.shutdown()


@pytest.mark.browser
def test_a_comment_page_is_accessible_and_its_links_lead_to_the_comments_answered(paged_site, page):
    from chapar.checks.a11y import axe_violations

    page.goto(f"{paged_site}/news/{CODE}/comments/2/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    assert page.console_errors == []
    assert page.external_requests == []
    first = page.locator("#comments article.comment").first
    answered = first.locator(".comment__in-reply a").get_attribute("href")
    target = answered.rsplit("#", 1)[1]
    first.locator(".comment__in-reply a").click()
    page.wait_for_load_state("load")
    assert page.evaluate("location.hash") == f"#{target}"
    assert page.locator(f"#{target}").is_visible()
    # the form works on every page: reply to a comment here
    page.goto(f"{paged_site}/news/{CODE}/comments/2/")
    page.locator("#comments .comment__reply").first.click()
    assert page.input_value("input[name=reply_to]") == first.get_attribute("id").removeprefix(
        "comment-"
    )
    page.click(".comments__pages a[rel=next]")
    assert page.url.endswith(f"/news/{CODE}/comments/3/")
