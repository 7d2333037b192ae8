"""Language detection: which language a comment is written in."""

from chapar.moderation.words import (
    _LATIN_LETTER,
    _TOKEN,
    _URL,
    _collapse,
    _fold_chars,
    fold,
    prepare,
)

# Letters only Persian writes, and Arabic letters or marks Persian rarely
# does; counted on the text before folding.
PERSIAN_LETTERS = "پچژگ"
ARABIC_MARKS = "ةأإؤًٌٍ"

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
]
AR_WORDS = [
    "في",
    "من",
    "على",
    "الی",
    "الى",
    "إلى",
    "عن",
    "هذا",
    "هذه",
    "ذلك",
    "تلک",
    "تلك",
    "الذي",
    "التي",
    "الذین",
    "الذين",
    "کان",
    "كان",
    "کانت",
    "قد",
    "لا",
    "لم",
    "لن",
    "هو",
    "هي",
    "نحن",
    "انا",
    "أنا",
    "انت",
    "أنت",
    "أن",
    "إن",
    "مع",
    "ثم",
    "بین",
    "بين",
    "لیس",
    "ليس",
    "عند",
    "حتی",
    "حتى",
    "او",
    "أو",
    "اذا",
    "إذا",
    "لماذا",
    "کیف",
    "كيف",
    "شکرا",
    "شكرا",
    "جزاک",
    "جزاك",
    "جدا",
    "جیدا",
    "جيدا",
    "الله",
    "والله",
    "اللهم",
    "نعم",
    "ایضا",
    "أيضا",
    "هناک",
    "هناك",
    "لقد",
    "الیوم",
    "اليوم",
    "لکن",
    "لكن",
    "هل",
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
    Latin against Arabic script first, then Persian-only letters and
    function words against Arabic marks, function words and «ال» words, or
    Finglish words and digraphs against English words.
    """
    return _language(prepare(text))


def _language(p):
    """:func:`detect_language` of a :class:`Prepared` text: web addresses and
    emails do not count, so a text with any is folded again without them.
    """
    if p.plain:
        text, folded, raw, words = p.low, p.chars, p.raw, p.words
    else:
        text = _URL.sub(" ", p.low)
        folded = _fold_chars(text)
        raw = _TOKEN.findall(folded)
        words = None
    # Arabic letters: FOLD maps each to one Arabic letter (the words' letters),
    # but drops the superscript alef
    arabic = sum(map(len, raw)) - sum(map(len, filter(str.isascii, raw))) + text.count("\u0670")
    latin = len(_LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return "none"
    if latin > arabic:
        # Latin words keep their doubled letters: «aa», «oo» mark Finglish.
        latin_words = [w for w in raw if w.isascii() and not w.isdigit()]
        en = 2 * sum(map(_EN.__contains__, latin_words))
        fin = 2 * sum(map(_FIN.__contains__, latin_words))
        fin += sum(1 for w in latin_words for d in FINGLISH_DIGRAPHS if d in w)
        return "fin" if fin > en else "en"
    fa = sum(map(text.count, PERSIAN_LETTERS))
    ar = sum(map(text.count, ARABIC_MARKS))
    if words is None:
        words = list(map(_collapse, raw))
    # _FA and _AR are disjoint: each word counts for one of them at most
    fa += 2 * sum(map(_FA.__contains__, words))
    ar += 2 * sum(map(_AR.__contains__, words))
    if "ال" in folded:
        ar += sum(
            1
            for w in words
            if w.startswith("ال")
            and len(w) > 3  # noqa: PLR2004
            and w not in _FA_AL
            and w not in _FA
            and w not in _AR
        )
    return "ar" if ar > fa else "fa"


_FA = frozenset(fold(w) for w in FA_WORDS)
_AR = frozenset(fold(w) for w in AR_WORDS) - _FA
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
        "arabic_marks": ARABIC_MARKS,
        "fa_words": sorted(_FA),
        "ar_words": sorted(_AR),
        "fa_al_words": sorted(_FA_AL),
        "en_words": sorted(_EN),
        "finglish_words": sorted(_FIN),
        "finglish_digraphs": list(FINGLISH_DIGRAPHS),
    }
