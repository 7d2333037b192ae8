"""SPEC section 8 and README.md (Photos): lead and body photos processed once into widths and
formats, placed in the article page, its meta tags and lists; every bad photo stops the build.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from chapar.photos.process import DEFAULTS, PhotoStore, widths_for
from conftest import build_site, make_site, news_item, refused_build

ALT = "ImageAlt: استاندار پشت تریبون\n"


def make_photo(path, size=(1600, 900), orientation=None, fmt="JPEG", gps=True):
    """A photo as a camera saves it: stored sideways with an EXIF orientation, GPS in its EXIF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    if orientation == 6:  # the camera was turned: stored rotated, shown turned back
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 28.0, 30.0), 3: "E", 4: (57.0, 19.0, 0.0)}
    image.save(path, fmt, exif=exif)
    return path


def photo_site(tmp_path, news, photos):
    site = make_site(tmp_path, news=news)
    for rel, kwargs in photos.items():
        make_photo(site / "content" / "images" / rel, **kwargs)
    return site


def test_widths_for_srcset():
    assert widths_for(4000, [360, 720, 1080, 1600]) == [360, 720, 1080, 1600]
    assert widths_for(800, [360, 720, 1080, 1600]) == [360, 720, 800]
    assert widths_for(1600, [360, 720, 1080, 1600]) == [360, 720, 1080, 1600]


def test_processed_once_orientation_applied_exif_stripped(tmp_path):
    images = tmp_path / "images"
    make_photo(images / "a.jpg", orientation=6)
    store = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    store.prepare(["a.jpg"])
    assert store.processed == 1
    photo = store.photos["a.jpg"]
    assert [v.width for v in photo.webp] == [360, 720, 1080, 1600]
    assert [v.width for v in photo.fallback] == [360, 720, 1080, 1600]
    assert (photo.width, photo.height) == (1600, 900)  # turned the way the camera meant
    assert [(v.width, v.height) for v in photo.crops] == [(1200, 675), (1200, 900), (1200, 1200)]
    out = tmp_path / "out"
    store.save_index()
    store.publish(out)
    for variant in photo.webp + photo.fallback + photo.crops:
        with Image.open(out / variant.url) as derived:
            assert derived.size == (variant.width, variant.height)
            assert dict(derived.getexif()) == {}, variant.url  # no GPS, no camera
    # the next build reuses the cache; one new photo costs one photo's work
    make_photo(images / "b.png", fmt="PNG", gps=False)
    again = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    again.prepare(["a.jpg", "b.png"])
    assert again.processed == 1
    assert next(v.mime for v in again.photos["b.png"].fallback) == "image/png"
    # a changed original is processed again, under a new name
    make_photo(images / "a.jpg", size=(1700, 900))
    third = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    third.prepare(["a.jpg", "b.png"])
    assert third.processed == 1
    assert third.photos["a.jpg"].key != photo.key


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.imgs, self.ld = {}, [], []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            self.meta[a.get("property") or a.get("name")] = a.get("content")
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_data(self, data):
        if self._in_ld:
            self.ld.append(json.loads(data))
            self._in_ld = False


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    body = 'متن خبر.\n\n![نمای سالن از بالا](1397/hall.png "سالن همایش")\n\nپایان خبر.\n'
    site = photo_site(
        tmp_path_factory.mktemp("photos"),
        news={
            "1397/a.md": news_item(
                11,
                "خبر با عکس",
                extra="Agencies: tax\nImage: 1397/lead.jpg\n"
                + ALT
                + "ImageCaption: تریبون <جشنواره>\nImageCredit: علی & رضا\n",
                body=body,
            ),
            "1397/b.md": news_item(12, "خبر بی‌عکس", "1397/06/04 09:00"),
        },
        photos={
            "1397/lead.jpg": {"orientation": 6},
            "1397/hall.png": {"fmt": "PNG", "size": (900, 600)},
        },
    )
    return site, build_site(site, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)


def parsed(out, rel):
    meta = Meta()
    meta.feed((out / rel).read_text(encoding="utf-8"))
    return meta


def test_article_page_lead_photo_and_preview_card(site):
    _site, out = site
    html = (out / "news/11/index.html").read_text(encoding="utf-8")
    page = parsed(out, "news/11/index.html")
    lead, body = page.imgs[0], page.imgs[1]
    assert lead["fetchpriority"] == "high"
    assert "loading" not in lead
    assert body["loading"] == "lazy"
    assert body["alt"] == "نمای سالن از بالا"
    for img in page.imgs:
        assert img["width"], img
        assert img["height"], img
        assert img["src"].startswith("/images/1397/")
    assert '<source type="image/webp" srcset="/images/1397/lead-' in html
    assert "720w" in lead["srcset"]
    assert "1600w" in lead["srcset"]
    assert "عکس: علی &amp; رضا" in html  # the credit, escaped as text
    assert "تریبون &lt;جشنواره&gt;" in html
    assert '<figcaption class="photo__caption">سالن همایش</figcaption>' in html
    # a Telegram-style preview from the meta tags alone, the image fetched from the site
    meta = page.meta
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image:alt"] == "استاندار پشت تریبون"
    assert int(meta["og:image:width"]) >= 1200
    with Image.open(out / meta["og:image"].lstrip("/")) as og:
        assert og.size == (int(meta["og:image:width"]), int(meta["og:image:height"]))
    ld = page.ld[0]
    assert len(ld["image"]) == 3
    for url in ld["image"]:
        assert (out / url.lstrip("/")).is_file()


def test_lists_show_thumbnails_only_for_items_with_photos(site):
    _site, out = site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="lead-story__photo"' in home  # the top story, large
    tag_like = (out / "archive/1397/06/index.html").read_text(encoding="utf-8")
    assert tag_like.count('class="news-list__thumb"') == 1
    thumb = re.search(r'<img class="news-list__img"[^>]*>', tag_like)[0]
    assert 'loading="lazy"' in thumb
    assert 'alt=""' in thumb
    assert 'width="360"' in thumb


def test_rebuild_processes_no_photo_and_keeps_the_pages(site, caplog):
    site_dir, out = site
    caplog.set_level("INFO")
    build_site(site_dir, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    assert "photos:" not in caplog.text  # nothing processed
    assert (out / "news/11/index.html").is_file()


@pytest.mark.parametrize(
    ("extra", "body", "message"),
    [
        ("Image: 1397/lead.jpg\n", "متن.", "content/news/1397/x.md:4: Image needs ImageAlt"),
        (
            "Image: 1397/none.jpg\n" + ALT,
            "متن.",
            "content/news/1397/x.md:4: Image: photo '1397/none.jpg' not found",
        ),
        (
            "Image: ../pelicanconf.jpg\n" + ALT,
            "متن.",
            "content/news/1397/x.md:4: Image: '../pelicanconf.jpg' is outside content/images/",
        ),
        (
            "Image: https://x.org/a.jpg\n" + ALT,
            "متن.",
            "content/news/1397/x.md:4: Image: 'https://x.org/a.jpg' is not a path under content/images/",
        ),
        (
            "Image: 1397/broken.jpg\n" + ALT,
            "متن.",
            "content/news/1397/x.md:4: Image: '1397/broken.jpg' cannot be read as an image",
        ),
        (
            "Image: 1397/small.jpg\n" + ALT,
            "متن.",
            "content/news/1397/x.md:4: Image: '1397/small.jpg' is 300 px wide",
        ),
        (
            "Image: 1397/anim.gif\n" + ALT,
            "متن.",
            "content/news/1397/x.md:4: Image: '1397/anim.gif' is not a JPEG, PNG or WebP",
        ),
        (
            "",
            "متن.\n\n![](1397/lead.jpg)",
            "content/news/1397/x.md:7: photo '1397/lead.jpg' in the text needs a description",
        ),
        (
            "",
            "متن.\n\n![سالن](1397/gone.png)",
            "content/news/1397/x.md:7: photo in the text: photo '1397/gone.png' not found",
        ),
    ],
)
def test_bad_photos_stop_the_build(tmp_path, extra, body, message):
    site = photo_site(
        tmp_path,
        news={"1397/x.md": news_item(21, extra=extra, body=body)},
        photos={"1397/lead.jpg": {}, "1397/small.jpg": {"size": (300, 200)}},
    )
    images = site / "content" / "images" / "1397"
    (images / "broken.jpg").write_bytes(b"not a photo at all")
    Image.new("RGB", (800, 600)).save(images / "anim.gif")
    problems = refused_build(site)
    assert any(p.startswith(message) for p in problems), problems


def test_sample_photo_is_small_and_credited():
    root = Path(__file__).resolve().parent.parent
    sample = root / "content/images/1397/06/jashnvare-shahid-rajaei.jpg"
    assert sample.stat().st_size < 150_000
    text = (root / "content/news/1397/4385870.md").read_text(encoding="utf-8")
    assert "Image: 1397/06/jashnvare-shahid-rajaei.jpg" in text
    assert "ImageCredit:" in text


def test_a_changed_photo_re_renders_the_pages_that_show_it(site):
    site_dir, out = site
    before = (out / "news/11/index.html").read_text(encoding="utf-8")
    old_key = re.search(r"/images/1397/lead-([0-9a-f]+)-720\.jpg", before)[1]
    make_photo(site_dir / "content/images/1397/lead.jpg", size=(1800, 1000))
    build_site(site_dir, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    for page in ("news/11/index.html", "index.html", "archive/1397/06/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert old_key not in html, page
        new_key = re.search(r"/images/1397/lead-([0-9a-f]+)-360\.jpg", html)[1]
        assert (out / f"images/1397/lead-{new_key}-360.jpg").is_file()


def test_feeds_enclose_the_lead_photo(site):
    _site, out = site
    rss = (out / "feeds/all.rss.xml").read_text(encoding="utf-8")
    atom = (out / "feeds/all.atom.xml").read_text(encoding="utf-8")
    enclosure = dict(re.findall(r'(\w+)="([^"]*)"', re.search(r"<enclosure [^>]*>", rss)[0]))
    assert enclosure["type"] == "image/jpeg"
    assert enclosure["url"].startswith("http://127.0.0.1:8000/images/1397/lead-")
    assert enclosure["url"].endswith("-720.jpg")
    path = out / enclosure["url"].split("8000/", 1)[1]
    assert int(enclosure["length"]) == path.stat().st_size
    assert 'rel="enclosure"' in atom
    assert rss.count("<enclosure") == 1  # the item without a photo has none


def test_sitemap_names_the_lead_photo(site):
    _site, out = site
    xml = (out / "sitemap.xml").read_text(encoding="utf-8")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    ns = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "image": "http://www.google.com/schemas/sitemap-image/1.1",
    }
    pages = {
        u.find("s:loc", ns).text: u.find("image:image/image:loc", ns)
        for u in root.findall("s:url", ns)
    }
    photo = pages["/news/11/"]
    assert photo is not None
    assert (out / photo.text.lstrip("/")).is_file()
    assert pages["/news/12/"] is None


def test_an_img_written_as_html_is_left_as_nh3_cleaned_it(tmp_path):
    body = "متن.\n\n<img src=x onerror=alert(2)>\n\n![سالن](1397/lead.jpg)"
    site = photo_site(
        tmp_path, news={"1397/x.md": news_item(21, body=body)}, photos={"1397/lead.jpg": {}}
    )
    html = (build_site(site) / "news/21/index.html").read_text(encoding="utf-8")
    assert '<img src="x">' in html
    assert "onerror" not in html
    assert '<figure class="photo photo--body">' in html


def test_budget_counts_the_lead_photo_at_the_phones_width(site):
    from chapar.checks.budgets import budget_problems, lead_photo

    _site, out = site
    url, size = lead_photo(out, "news/11/index.html")
    assert url.endswith("-720.webp")  # 360 px at 2 device pixels a px
    assert size == (out / url.lstrip("/")).stat().st_size
    assert lead_photo(out, "news/12/index.html") is None
    problems = budget_problems(out, lead_photo_limit=100)
    assert any(p.startswith(f"news/11/index.html: lead photo {url}") for p in problems), problems


def test_agency_page_lists_the_story_with_its_thumbnail(site):
    _site, out = site
    agency = (out / "awards/agency/tax/index.html").read_text(encoding="utf-8")
    item = agency[agency.index('<ul class="list awards-news">') :]
    assert '<li class="news-list__item--photo">' in item
    assert 'class="news-list__img"' in item


def test_festival_page_shows_the_photo_of_the_story_that_reported_it(real_site):
    festival = next((real_site / "awards/festival").glob("*/index.html"))
    html = festival.read_text(encoding="utf-8")
    figure = html[html.index('<figure class="awards-report-photo">') :]
    img = re.search(r'<img class="news-list__img"[^>]*>', figure)[0]
    assert "jashnvare-shahid-rajaei" in img
    assert 'loading="lazy"' in img
    assert re.search(r'width="\d+" height="\d+"', img)
    assert 'alt="تریبون جشنواره شهید رجایی' in img  # the story's ImageAlt, as text


def test_symbolic_links_are_followed_before_the_folder_check(tmp_path):
    from chapar.photos.process import PhotoError, resolve

    images, elsewhere = tmp_path / "images", tmp_path / "elsewhere"
    make_photo(images / "1397" / "in.jpg")
    make_photo(elsewhere / "out.jpg")
    (images / "away").symlink_to(elsewhere)  # a folder leading out
    (images / "1397" / "link.jpg").symlink_to(elsewhere / "out.jpg")  # a file leading out
    (images / "here").symlink_to(images / "1397")  # a folder that stays inside
    folders = {}  # one memo for every call, as a build's store keeps it
    for value in ("away/out.jpg", "1397/link.jpg", "1397/../../elsewhere/out.jpg"):
        with pytest.raises(PhotoError, match="is outside content/images/"):
            resolve(images, value, folders)
    assert resolve(images, "here/in.jpg", folders) == "1397/in.jpg"
    assert resolve(images, "1397/in.jpg", folders) == "1397/in.jpg"
    assert resolve(images, "./1397/in.jpg") == "1397/in.jpg"


def processed(tmp_path, rel="a.jpg", **photo):
    """``(images folder, store)``: a store that processed and indexed one new photo."""
    images = tmp_path / "images"
    make_photo(images / rel, **photo)
    store = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    store.prepare([rel])
    store.save_index()
    return images, store


def test_rebuild_reads_no_manifest_and_rewrites_no_index(tmp_path, monkeypatch):
    images, first = processed(tmp_path)
    index = tmp_path / "cache" / "index.json"
    written = index.stat().st_mtime_ns
    opened = []
    real_open = open

    def counting_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    again = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    again.prepare(["a.jpg"])
    again.save_index()
    assert opened == [str(index)]  # the index only: no manifest, no original
    assert again.photos["a.jpg"] == first.photos["a.jpg"]
    assert index.stat().st_mtime_ns == written


def test_a_rebuild_builds_no_variant_until_a_page_asks(tmp_path, monkeypatch):
    from chapar.photos import process
    from chapar_page_cache.fingerprint import Fingerprints

    images, first = processed(tmp_path)
    built = []
    real = process.Variant

    def counting(*args):
        built.append(args[0])
        return real(*args)

    monkeypatch.setattr(process, "Variant", counting)
    again = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    again.prepare(["a.jpg"])
    photo = again.photos["a.jpg"]
    key = Fingerprints().of(photo, "item")  # what the page cache keys a page by
    assert built == []  # a rebuild whose pages come from the cache builds none
    assert photo.largest.url.endswith("-1600.jpg")  # the sitemap's: built alone
    assert len(built) == 1
    photo.srcset()
    photo.srcset()  # the fallback format's four widths, built once
    assert len(built) == 1 + 4
    assert photo == first.photos["a.jpg"]
    make_photo(images / "a.jpg", size=(1700, 900))  # a changed original: another page key
    third = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    third.prepare(["a.jpg"])
    assert Fingerprints().of(third.photos["a.jpg"], "item") != key
    assert third.photos["a.jpg"] != photo


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_index_keeps_sizes_and_the_names_follow(tmp_path, fmt):
    name = f"1397/a.b.{fmt.lower()}"
    images, _store = processed(tmp_path, name, size=(1000, 600), fmt=fmt, gps=False)
    (manifest_path,) = (tmp_path / "cache").glob("*/manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    index = (tmp_path / "cache" / "index.json").read_text(encoding="utf-8")
    assert manifest["webp"][0]["name"] not in index  # a rebuild parses sizes, not names
    again = PhotoStore(images, tmp_path / "cache", {**DEFAULTS, "workers": 1})
    again.prepare([name])
    photo = again.photos[name]
    for bucket in ("webp", "fallback", "crops"):
        written = [
            (f"images/1397/{v['name']}", v["width"], v["height"], v["mime"], v["size"])
            for v in manifest[bucket]
        ]
        shown = [(v.url, v.width, v.height, v.mime, v.size) for v in getattr(photo, bucket)]
        assert shown == written, bucket
    assert bool(photo.fallback) is (fmt != "WEBP")
    readable = photo.fallback or photo.webp
    assert (photo.largest, photo.smallest) == (readable[-1], readable[0])
    assert (photo.width, photo.height) == (1000, 600)


def test_a_damaged_photo_cache_stops_the_build_and_keeps_the_site(site):
    site_dir, out = site
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    cache = site_dir / "cache" / "photos"
    shown = next(out.glob("images/1397/lead-*-720.webp")).name  # the photo the page uses
    (gone,) = cache.glob(f"*/{shown}")
    kept = gone.read_bytes()
    gone.unlink()
    try:
        from chapar.build.errors import BuildError

        with pytest.raises(BuildError) as err:
            build_site(site_dir, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
        (problem,) = err.value.problems
        assert "the photo cache is damaged" in problem
        assert "remove" in problem
        assert gone.name in problem
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    finally:
        gone.write_bytes(kept)
