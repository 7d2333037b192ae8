"""A synthetic Persian news site for benchmarks: news, comments, award data.

Deterministic (seeded) so runs compare.  ``make_site(folder, n)`` writes:
content/news (about 500 words each, tags, categories, dates over five
Jalali years), content/comments (4 per article, one a reply), and
data/awards (2,000 agencies, 40 festivals, 50,000 award rows by default).
"""

import random
import shutil
from pathlib import Path

import jdatetime

ROOT = Path(__file__).resolve().parent.parent

WORDS = [
    "استان",
    "دولت",
    "مردم",
    "خدمت",
    "اداره",
    "کل",
    "جشنواره",
    "شهید",
    "رجایی",
    "ارزیابی",
    "دستگاه",
    "اجرایی",
    "شاخص",
    "توسعه",
    "الکترونیک",
    "رضایتمندی",
    "سلامت",
    "اقتصاد",
    "مقاومتی",
    "اشتغال",
    "سرمایه",
    "گذاری",
    "کشاورزی",
    "آب",
    "برق",
    "گاز",
    "راه",
    "شهرستان",
    "بخشدار",
    "فرماندار",
    "استاندار",
    "شورا",
    "شهر",
    "روستا",
    "طرح",
    "پروژه",
    "افتتاح",
    "بهره",
    "برداری",
    "اعتبار",
    "میلیارد",
    "ریال",
    "بودجه",
    "سال",
    "جاری",
    "گذشته",
    "آینده",
    "برنامه",
    "مدیر",
    "معاون",
    "کارشناس",
    "گزارش",
    "خبرنگار",
    "گفت",
    "افزود",
    "تاکید",
    "کرد",
    "اظهار",
    "داشت",
    "عنوان",
    "نشست",
    "جلسه",
    "همایش",
    "مراسم",
    "تقدیر",
    "نمونه",
    "کارمند",
    "شفافیت",
    "عملکرد",
    "نظارت",
    "بازرسی",
    "قانون",
    "مجلس",
    "نماینده",
    "وزیر",
    "وزارت",
    "سازمان",
    "شرکت",
    "بخش",
    "خصوصی",
    "عمومی",
    "آموزش",
    "فرهنگ",
    "ورزش",
    "جوانان",
    "زنان",
    "خانواده",
    "بهداشت",
    "درمان",
    "بیمارستان",
    "دانشگاه",
    "مدرسه",
    "دانش",
    "آموز",
    "بجنورد",
    "شیروان",
    "اسفراین",
    "مانه",
    "سملقان",
    "فاروج",
    "جاجرم",
    "گرمه",
    "راز",
    "جرگلان",
    "خراسان",
    "شمالی",
    "مرکز",
]
CATEGORIES = ["استان‌ها", "اقتصاد", "سیاست", "جامعه", "فرهنگ", "ورزش", "سلامت", "آموزش"]
TAGS = [f"{a} {b}" for a, b in zip(WORDS[::2], WORDS[1::2], strict=False)]
COMMENT_TEXT = "به نظرم این {w1} و {w2} برای مردم استان مهم است و امیدوارم {w3} بهتر شود."


def words(rng, count):
    return " ".join(rng.choice(WORDS) for _ in range(count))


def article_text(rng, code, year, plain=False, paragraph_count=5):
    month, day = rng.randint(1, 12), rng.randint(1, 29)
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    if plain:  # plain Pelican reads only Gregorian dates
        g = jdatetime.datetime(year, month, day, hour, minute).togregorian()
        date = g.strftime("%Y-%m-%d %H:%M")
    else:
        date = f"{year}/{month:02d}/{day:02d} {hour:02d}:{minute:02d}"
    tags = "، ".join(sorted(set(rng.sample(TAGS, 3))))
    paragraphs = "\n\n".join(words(rng, 100) + "." for _ in range(paragraph_count))
    return (
        f"Title: {words(rng, 6)} {code}\nDate: {date}\nNewsCode: {code}\n"
        f"Kicker: {words(rng, 3)}:\nDateline: بجنورد\nLead: {words(rng, 25)}.\n"
        f"Category: {rng.choice(CATEGORIES)}\nTags: {tags}\n\n{paragraphs}\n"
    )


def comments(rng, code, text_words):
    out = {}
    for i in range(1, 5):
        w1, w2, w3 = rng.sample(text_words, 3)
        reply = "ReplyTo: c1\n" if i == 4 else ""
        out[f"c{i}.md"] = (
            f"Author: خواننده {i}\nDate: 1403/01/{i:02d} 10:00\n{reply}\n"
            + COMMENT_TEXT.format(w1=w1, w2=w2, w3=w3)
            + "\n"
        )
    return out


def awards(rng, folder, rows, agencies=2000, festivals=40):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "agencies.csv", "w", encoding="utf-8") as f:
        f.write("id,name\n")
        for i in range(agencies):
            f.write(f"agency-{i},اداره کل {WORDS[i % len(WORDS)]} شماره {i}\n")
    with open(folder / "festivals.csv", "w", encoding="utf-8") as f:
        f.write("id,title,year,province\n")
        for i in range(festivals):
            f.write(f"festival-{i},جشنواره شهید رجایی دوره {i},{1370 + i % 35},خراسان شمالی\n")
    per_festival = -(-rows // festivals)
    with open(folder / "awards.csv", "w", encoding="utf-8") as f:
        f.write("festival,agency,category,award\n")
        written = 0
        for fest in range(festivals):
            for j in range(per_festival):
                if written == rows:
                    break
                agency = (fest * 7 + j) % agencies
                category = f"بخش {j // 2}"  # pairs of agencies share an award
                f.write(f"festival-{fest},agency-{agency},{category},برتر\n")
                written += 1


def photo(rng, path, size=(2400, 1600)):
    """A camera-sized JPEG of its own (colours from ``rng``), with an EXIF orientation."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    colours = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(2)]
    small = Image.linear_gradient("L").resize((64, 48))
    image = Image.composite(
        Image.new("RGB", (64, 48), colours[0]), Image.new("RGB", (64, 48), colours[1]), small
    )
    image = image.resize(size, Image.Resampling.BICUBIC)
    noise = Image.effect_noise(size, 24).convert("RGB")
    image = Image.blend(image, noise, 0.15)
    exif = Image.Exif()
    exif[0x0112] = 1
    image.save(path, "JPEG", quality=85, exif=exif)


def make_site(
    folder,
    n,
    award_rows=50_000,
    with_comments=True,
    plain=False,
    seed=1397,
    photo_share=0.0,
    paragraphs=(5, 5),
    photo_size=(2400, 1600),
):
    """Write a synthetic site of ``n`` articles into ``folder``.

    ``photo_share`` of them (every k-th) get a lead photo under content/images/,
    ``photo_size`` pixels.
    ``paragraphs``: each article's body has from the first to the second
    number of 100-word paragraphs, in turn (article i has ``lo + i % (hi -
    lo + 1)``); the default, 500 words each, is the site earlier figures
    were measured on; ``(5, 15)`` gives stories of 500 to 1,500 words.
    """
    low, high = paragraphs
    rng = random.Random(seed)
    folder = Path(folder)
    news = folder / "content" / "news"
    news.mkdir(parents=True)
    (folder / "content" / "comments").mkdir()
    for i in range(n):
        code = 100_000 + i
        year = 1399 + i % 5
        text = article_text(
            rng, code, year, plain=plain, paragraph_count=low + i % (high - low + 1)
        )
        if photo_share and i % round(1 / photo_share) == 0 and not plain:
            rel = f"{year}/{code}.jpg"
            photo(rng, folder / "content" / "images" / rel, size=photo_size)
            head, body = text.split("\n\n", 1)
            text = f"{head}\nImage: {rel}\nImageAlt: {words(rng, 6)}\nImageCredit: {words(rng, 2)}\n\n{body}"
        (news / str(year)).mkdir(exist_ok=True)
        (news / str(year) / f"{code}.md").write_text(text, encoding="utf-8")
        if with_comments and not plain:
            target = folder / "content" / "comments" / str(code)
            target.mkdir()
            body_words = text.split("\n\n", 1)[1].split()[:60]
            for name, comment in comments(rng, code, body_words).items():
                (target / name).write_text(comment, encoding="utf-8")
    if not plain:
        for name in ("pelicanconf.py", "publishconf.py", "tasks.py"):
            shutil.copy(ROOT / name, folder / name)
        (folder / "theme").symlink_to(ROOT / "theme")
        (folder / "plugins").symlink_to(ROOT / "plugins")
        (folder / "data").mkdir()
        if (ROOT / "data" / "moderation").exists():
            shutil.copytree(ROOT / "data" / "moderation", folder / "data" / "moderation")
        awards(rng, folder / "data" / "awards", award_rows)
    return folder
