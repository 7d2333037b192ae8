"""README.md (Photos) in Chromium at 360 px: the seed story's lead photo comes in the width a
phone needs, takes its space before it loads (no layout shift), nothing scrolls sideways, and
the above-the-fold photo bytes stay under the issue's 120 KB.
"""

LAYOUT_SHIFT = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => done(total), 500);
})"""


def test_lead_photo_at_360_px(site_url, page):
    photos = []
    page.on(
        "response",
        lambda r: "/images/" in r.url and photos.append((r.url, int(r.headers["content-length"]))),
    )
    page.goto(f"{site_url}/news/4385870/")
    page.wait_for_load_state("networkidle")
    lead = page.locator(".photo--lead img")
    current = lead.evaluate("img => img.currentSrc")
    assert current.endswith("-360.webp"), current  # 328 CSS px at 1 device pixel a px
    box = lead.bounding_box()
    natural = lead.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert abs(box["height"] - box["width"] * natural[1] / natural[0]) < 1.5
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert sum(size for _url, size in photos) <= 120 * 1024
    assert len(photos) == 1, photos  # the lead photo only: the others are lazy or absent
    assert page.console_errors == []
    assert page.external_requests == []
