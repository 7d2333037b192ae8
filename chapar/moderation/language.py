"""Language detection: which language a comment is written in."""

import re

from chapar.moderation.words import (
    _LATIN_LETTER,
    _TOKEN,
    _URL,
    ARABIC_LETTER_PATTERN,
    FOLD,
    _collapse,
    fold,
    prepare,
)

# Letters only Persian writes, and Arabic letters or marks Persian rarely
# does; counted on the text before folding.
PERSIAN_LETTERS = "پچژگ"
PERSIAN_LETTER_WEIGHT = 3  # a Persian letter outweighs a word typed on an Arabic keyboard
ARABIC_MARKS = "ةإٌٍ"  # not أ ؤ ً: Persian writes «تأسف», «مؤسسه», «واقعاً»

# Function words: the most frequent words decide a language even in two-word
# comments.  Compared in folded form.
FA_WORDS = [
    "و",
    "در",
    "به",
    "از",
    "که",
    "این",
    "را",
    "با",
    "است",
    "برای",
    "آن",
    "یک",
    "خود",
    "تا",
    "بر",
    "هم",
    "نیز",
    "می",
    "نمی",
    "شد",
    "شود",
    "ها",
    "های",
    "ای",
    "بود",
    "باید",
    "کرد",
    "کند",
    "کنند",
    "شده",
    "اند",
    "هست",
    "نیست",
    "است",
    "بسیار",
    "خیلی",
    "اما",
    "ولی",
    "چرا",
    "چه",
    "چطور",
    "کجا",
    "کی",
    "چی",
    "ما",
    "من",
    "شما",
    "او",
    "آنها",
    "ایشان",
    "ما",
    "مردم",
    "دولت",
    "خوب",
    "بد",
    "عالی",
    "ممنون",
    "مرسی",
    "سلام",
    "دست",
    "درد",
    "نکنه",
    "چقدر",
    "همه",
    "هر",
    "هیچ",
    "اگر",
    "وقتی",
    "پس",
    "حالا",
    "الان",
    "دیگر",
    "دیگه",
    "هنوز",
    "باشد",
    "باشند",
    "داریم",
    "دارند",
    "دارد",
    "کنیم",
    "کنید",
    "کردند",
    "میشه",
    "نمیشه",
    "بشه",
    "واقعا",
    "حتما",
    "لطفا",
    "امیدوارم",
    "ایشالا",
    "انشالله",
    "آقای",
    "خانم",
    "استان",
    "استاندار",
    "شهر",
    "کشور",
    "ادارات",
    "اداره",
    "مسئولان",
    "مسئولین",
    "کار",
    "رو",
    "یه",
    "اون",
    "اینه",
    "اینقدر",
    "انقدر",
    "واسه",
    "مگه",
    "فقط",
    "نکن",
    "بکن",
    "کن",
    "کنین",
    "بدین",
    "بده",
    "خودت",
    "خودتو",
    "توی",
    "برای",
    "براى",
    "دیگه",
    "اصلا",
    "کاش",
    "ایشون",
    "شما",
    "اینو",
    "اونو",
    "چیه",
    "کیه",
    "هست",
    "هس",
    "بودن",
    "شدن",
    "کردن",
    "دارن",
    "میکنه",
    "میکنی",
    "نمیکنه",
    "باشه",
    "بشه",
    "نیستی",
    "هستی",
    "خودشون",
    "اونا",
    "اینا",
    "بابا",
    "آخه",
    "اخه",
]
# Words only Arabic writes (standard and the common dialects: Gulf, Levantine,
# Egyptian, Iraqi, Maghrebi), compared in folded form.  Words Persian uses
# too are left out even when Arabic uses them more: «على» folds to the name
# «علی», «الله» is in «آیت‌الله» and «ان شاء الله», «حتی», «جدا», «کیف», «عن»,
# «یعنی», «بس», «مو», «یا», «قد» are everyday Persian.
AR_WORDS = [
    "في",
    "الى",
    "إلى",
    "هذا",
    "هذه",
    "هذي",
    "هاذا",
    "هاذي",
    "ذلك",
    "تلك",
    "هؤلاء",
    "هاي",
    "الذي",
    "التي",
    "الذين",
    "اللي",
    "اللى",
    "يلي",
    "كانت",
    "يكون",
    "تكون",
    "لا",
    "لم",
    "لن",
    "هي",
    "نحن",
    "احنا",
    "إحنا",
    "حنا",
    "انا",
    "أنا",
    "انت",
    "أنت",
    "انتي",
    "إنتي",
    "انتم",
    "انتو",
    "إنتو",
    "هما",
    "أن",
    "إن",
    "ثم",
    "ليس",
    "مش",
    "مب",
    "مو",
    "مافي",
    "مافيه",
    "ماني",
    "مانيب",
    "عند",
    "عندي",
    "عندك",
    "عنده",
    "عندنا",
    "عندهم",
    "عندو",
    "معاي",
    "معايا",
    "معاك",
    "معاكي",
    "معاه",
    "معها",
    "أو",
    "اذا",
    "إذا",
    "لو",
    "لماذا",
    "ليش",
    "ليه",
    "لش",
    "وش",
    "ايش",
    "إيش",
    "شو",
    "شنو",
    "شلون",
    "وين",
    "فين",
    "منو",
    "مين",
    "كيف",
    "كده",
    "كدا",
    "كذا",
    "هيك",
    "هيدا",
    "ذا",
    "ذي",
    "عشان",
    "علشان",
    "لأن",
    "لان",
    "الحين",
    "توه",
    "بدي",
    "بدك",
    "ابغى",
    "أبغى",
    "ابغا",
    "أبي",
    "اريد",
    "أريد",
    "ودي",
    "يبي",
    "تبي",
    "زين",
    "حلو",
    "مره",
    "كثير",
    "شكرا",
    "جزاك",
    "جيدا",
    "اللهم",
    "يارب",
    "نعم",
    "ايضا",
    "أيضا",
    "هناك",
    "هنا",
    "لقد",
    "اليوم",
    "لكن",
    "بس",
    "هل",
    "يعني",
    "اخوي",
    "حبيبي",
    "حبيبتي",
    "يا",
    "ربي",
    "وربي",
    "والله",
    "ماشاءالله",
    "مشاءالله",
    "ان",
    "عن",
    "على",
    "الي",
    "حتى",
    "جدا",
    "الله",
    "کان",
    "كان",
    "قد",
    "من",
    "مع",
]
# Of those, the ones Persian writes too (folded): they count for Arabic only
# when typed with an Arabic letter (ي ى ك ة: «يعني», «في»), never in their
# Persian spelling («یعنی», «فی‌الواقع»).
AR_WORDS_SHARED = [
    "فی",
    "های",
    "زین",
    "کثیر",
    "ایش",
    "لم",
    "هی",
    "ان",
    "لو",
    "منو",
    "کده",
    "لان",
    "بدی",
    "بدک",
    "ابی",
    "مره",
    "لکن",
    "اخوی",
    "حبیبی",
    "حبیبتی",
    "یا",
    "ربی",
    "ماشاالله",
    "مشاالله",
    "مانی",
    "هما",
    "مش",
    "عند",
    "او",
    "حنا",
    "کیف",
    "ذی",
    "شو",
    "مین",
    "حلو",
    "اللهم",
    "یارب",
    "ایضا",
    "نعم",
    "هنا",
    "مو",
    "بس",
    "یعنی",
    "عن",
    "علی",
    "الی",
    "حتی",
    "جدا",
    "الله",
    "والله",
    "کان",
    "قد",
    "من",
    "مع",
]
# Persian words that start with «ال» and are not Arabic.
FA_AL_WORDS = [
    "البته",
    "الان",
    "الکترونیک",
    "الکترونیکی",
    "الگو",
    "الگوی",
    "الزام",
    "الزاما",
    "الهام",
    "الهی",
    "الیاف",
    "الماس",
    "البرز",
    "الکل",
    "الکی",
    "الف",
    "الاغ",
    "الحاق",
    "الویت",
    "اولویت",
]
EN_WORDS = [
    "the",
    "and",
    "is",
    "are",
    "was",
    "were",
    "of",
    "to",
    "in",
    "that",
    "it",
    "for",
    "on",
    "with",
    "as",
    "this",
    "be",
    "at",
    "by",
    "not",
    "or",
    "have",
    "has",
    "had",
    "you",
    "your",
    "we",
    "they",
    "he",
    "she",
    "i",
    "my",
    "our",
    "their",
    "from",
    "but",
    "what",
    "which",
    "who",
    "will",
    "would",
    "can",
    "could",
    "should",
    "very",
    "good",
    "great",
    "news",
    "article",
    "thanks",
    "thank",
    "please",
    "an",
    "all",
    "do",
    "does",
    "did",
    "so",
    "if",
    "about",
    "there",
    "here",
    "just",
]
FINGLISH_WORDS = [
    "va",
    "dar",
    "be",
    "az",
    "ke",
    "in",
    "ra",
    "ba",
    "ast",
    "hast",
    "nist",
    "baraye",
    "an",
    "yek",
    "khod",
    "ta",
    "ham",
    "niz",
    "mishe",
    "nemishe",
    "shod",
    "shode",
    "bood",
    "mikonam",
    "mikone",
    "mikonan",
    "kard",
    "kardan",
    "khoob",
    "khub",
    "kheili",
    "kheyli",
    "khili",
    "kheily",
    "salam",
    "mamnoon",
    "mamnun",
    "merci",
    "mersi",
    "dast",
    "dard",
    "nakone",
    "chera",
    "chi",
    "chetor",
    "koja",
    "ki",
    "man",
    "shoma",
    "ma",
    "oon",
    "una",
    "inja",
    "unja",
    "alan",
    "hala",
    "dige",
    "hanooz",
    "bayad",
    "mardom",
    "dolat",
    "doulat",
    "agha",
    "khanom",
    "ostan",
    "ostandar",
    "shahr",
    "keshvar",
    "edare",
    "kar",
    "age",
    "vaghean",
    "vaqean",
    "lotfan",
    "omidvaram",
    "inshalla",
    "ishala",
    "mage",
    "chon",
    "faghat",
    "faqat",
    "hamin",
    "hamash",
    "kheyr",
    "are",
    "areh",
    "na",
    "nakhair",
    "kojast",
    "chie",
    "khube",
    "bade",
    "ali",
    "awli",
    "aali",
    "sakhte",
    "behtar",
    "bishtar",
]
FINGLISH_DIGRAPHS = ("kh", "gh", "zh", "aa", "oo", "ei", "ey")


def detect_language(text):
    """``fa``, ``ar``, ``en``, ``fin`` (Finglish) or ``none`` (no letters).

    A script-and-letter heuristic (no language detector knows Finglish):
    Latin against Arabic script first (web addresses, emails, hashtags and
    mentions left out), then Persian-only letters and function words
    against Arabic marks, Arabic-only function words and dialect markers and
    «ال» words, or Finglish words and digraphs against English words.  Read
    on the letters as typed: a word Persian shares with Arabic counts for
    Arabic only when written with Arabic ي ى ك ة, and when nothing else
    decides, the keyboard does (Arabic ي ى ك against Persian ی ک).
    """
    return _language(prepare(text))


def _language(p):
    """:func:`detect_language` of a :class:`Prepared` text (its ``low``: the
    letters as typed).
    """
    text = p.low if p.plain else _URL.sub(" ", p.low)
    if "#" in text or "@" in text:
        untagged = _TAG.sub(" ", text)
        if _LETTER.search(untagged):  # a text of hashtags alone is judged on them
            text = untagged
    # folded but for the letters that tell an Arabic keyboard (ي ى ك ة)
    typed = _TOKEN.findall(_KEEP_ARABIC_CHANGES.sub(_keep_arabic, text))
    # Arabic letters: each kept one is one letter of a word, but the
    # superscript alef is dropped
    arabic = sum(map(len, typed)) - sum(map(len, filter(str.isascii, typed))) + text.count("\u0670")
    latin = len(_LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return "none"
    if latin > arabic:
        # Latin words keep their doubled letters: «aa», «oo» mark Finglish.
        latin_words = [w for w in typed if w.isascii() and not w.isdigit()]
        en = 2 * sum(map(_EN.__contains__, latin_words))
        fin = 2 * sum(map(_FIN.__contains__, latin_words))
        fin += sum(1 for w in latin_words for d in FINGLISH_DIGRAPHS if d in w)
        return "fin" if fin > en else "en"
    fa = PERSIAN_LETTER_WEIGHT * sum(map(text.count, PERSIAN_LETTERS))
    ar = sum(map(text.count, ARABIC_MARKS))
    keyboard = 0  # words typed with Arabic ي ى ك less those with Persian ی ک
    for raw in typed:
        persian = raw.translate(_TO_PERSIAN)
        arabic_typed = persian != raw
        if arabic_typed:
            keyboard += 1
        elif "ی" in raw or "ک" in raw:  # PERSIAN_KEYBOARD
            keyboard -= 1
        word = _collapse(persian)
        if word in _NEUTRAL:
            continue
        if word in _FA:
            fa += 2
        elif word in _AR or (arabic_typed and word in _AR_SHARED):
            ar += 2
        elif (
            word.startswith("ال")
            and len(word) > 3  # noqa: PLR2004
            and word not in _FA_AL
            and word not in _AR_SHARED
        ):
            ar += 1
    ar += KEYBOARD_WEIGHT * keyboard
    if ar != fa:
        return "ar" if ar > fa else "fa"
    return "ar" if keyboard > 0 else "fa"


def _keep_arabic(match):
    return _FOLD_KEEPING_ARABIC[match[0]]


# ي ى ك ة: what an Arabic keyboard types where a Persian one types ی ک ه
ARABIC_KEYBOARD = "يىكة"
PERSIAN_KEYBOARD = "یک"
_FOLD_KEEPING_ARABIC = {k: v for k, v in FOLD.items() if k not in ARABIC_KEYBOARD}
_KEEP_ARABIC_CHANGES = re.compile("[" + re.escape("".join(_FOLD_KEEPING_ARABIC)) + "]")
_TO_PERSIAN = str.maketrans({k: FOLD[k] for k in ARABIC_KEYBOARD})
# Hashtags and mentions: a Latin tag does not make Persian English.
TAG_PATTERN = r"[#@][a-z0-9_]+"
_TAG = re.compile(TAG_PATTERN)
_LETTER = re.compile(ARABIC_LETTER_PATTERN + r"|[a-z]")

# Function words both languages write the same way: neither's evidence.
NEUTRAL_WORDS = ["و", "ما", "من", "او", "هم"]
KEYBOARD_WEIGHT = 1
_NEUTRAL = frozenset(NEUTRAL_WORDS)
_FA = frozenset(fold(w) for w in FA_WORDS) - _NEUTRAL
_AR_SHARED = frozenset(fold(w) for w in AR_WORDS_SHARED) | (
    frozenset(fold(w) for w in AR_WORDS) & _FA
)
_AR = frozenset(fold(w) for w in AR_WORDS) - _FA - _AR_SHARED
_FA_AL = frozenset(fold(w) for w in FA_AL_WORDS)
_EN = frozenset(EN_WORDS)
_FIN = frozenset(FINGLISH_WORDS)

LANGUAGE_NAMES = {
    "fa": "Persian",
    "ar": "Arabic",
    "en": "English",
    "fin": "Finglish (Persian in Latin letters)",
    "none": "no words",
}


def tables():
    """What comments.js needs to detect a language the same way."""
    return {
        "persian_letters": PERSIAN_LETTERS,
        "persian_letter_weight": PERSIAN_LETTER_WEIGHT,
        "keyboard_weight": KEYBOARD_WEIGHT,
        "neutral_words": sorted(_NEUTRAL),
        "arabic_marks": ARABIC_MARKS,
        "fa_words": sorted(_FA),
        "ar_words": sorted(_AR),
        "ar_shared_words": sorted(_AR_SHARED),
        "fa_al_words": sorted(_FA_AL),
        "arabic_keyboard": ARABIC_KEYBOARD,
        "persian_keyboard": PERSIAN_KEYBOARD,
        "tag": TAG_PATTERN,
        "en_words": sorted(_EN),
        "finglish_words": sorted(_FIN),
        "finglish_digraphs": list(FINGLISH_DIGRAPHS),
    }
