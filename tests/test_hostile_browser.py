"""Hostile input in every field, every generated page opened in chromium.

The comment tests' vectors (tests/test_comments_browser.py), armed to call
``window.__hit(label)`` instead of alert, go into every news header and body,
every text cell of the award spreadsheets, comment headers and bodies, the
intake service's JSON and form posts, and the site's own settings
(tests/hostile_support.py builds the site).  Nothing may run (the recorder,
dialogs), and chromium's own parser (``DOMParser``, which neither runs
scripts nor applies a Content-Security-Policy) must find no element or
attribute a vector brought.  README.md: "Only p, br, strong, em and
http/https links ... ever reach the page".
"""

from pathlib import Path

import pytest

from hostile_support import (
    ALL_VECTORS, FIELDS, build_hostile_site, browse_all, field_of, first_label, html_pages,
    labels_in, make_hostile_site,
)

pytestmark = pytest.mark.browser

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


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    site, answers = make_hostile_site(tmp_path_factory.mktemp("hostile"))
    return build_hostile_site(site), answers


@pytest.fixture(scope="module")
def browsed(hostile, browser):
    output, _ = hostile
    return browse_all(output, browser)


@pytest.fixture(scope="module")
def parsed(hostile, browser):
    """``[(page, finding)]`` from chromium's parser over every HTML page."""
    output, _ = hostile
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())
    found = []
    for rel in html_pages(output):
        source = (output / rel).read_text(encoding="utf-8")
        found += [(rel, f) for f in page.evaluate(PARSE_INSPECT, source)]
    context.close()
    return found


def _of(field, findings):
    return [(page, f) for page, f in findings
            if (first_label(f) and field_of(first_label(f)) == field)]


def test_every_field_reaches_the_site(hostile):
    """Not a vacuous suite: each field's vectors are in the output (as text),
    every intake post was answered and most were written."""
    output, answers = hostile
    assert len(ALL_VECTORS) >= 32
    text = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in Path(output).rglob("*") if p.suffix in (".html", ".xml", ".json"))
    import html
    present = {field_of(label) for label in labels_in(html.unescape(text))}
    assert set(FIELDS) - present == set()
    assert all(status < 500 for status in answers.values()), answers
    assert sum(status in (202, 303) for status in answers.values()) >= len(answers) // 2, answers


@pytest.mark.parametrize("field", FIELDS)
def test_nothing_runs_from(field, browsed):
    """Every page opened, hovered, focused and its events fired: the
    recorder never called by a vector of ``field``, and no on* attribute or
    script URL of it in the live DOM."""
    hits, dom = browsed
    ran = [(page, label) for page, label in hits if field_of(label) == field]
    live = _of(field, [(page, f) for page, found in dom.items() for f in found])
    assert ran == [], f"{FIELDS[field]}: vectors ran on {sorted({p for p, _ in ran})[:10]}"
    assert live == [], f"{FIELDS[field]}: {live[:5]}"


def test_no_dialog_and_no_unlabelled_script(browsed):
    hits, dom = browsed
    stray = [(page, label) for page, label in hits if field_of(label) not in FIELDS]
    unlabelled = [(page, f) for page, found in dom.items() for f in found if not first_label(f)]
    assert stray == []  # dialog:... or a label of no field
    assert unlabelled == []


@pytest.mark.parametrize("field", FIELDS)
def test_chromium_parses_no_injected_markup_from(field, parsed):
    found = _of(field, parsed)
    assert found == [], f"{FIELDS[field]}: {len(found)} on {sorted({p for p, _ in found})[:8]}: {found[:3]}"


def test_chromium_parses_no_unlabelled_injected_markup(parsed):
    found = [(page, f) for page, f in parsed if not first_label(f)]
    assert found == [], found[:5]
