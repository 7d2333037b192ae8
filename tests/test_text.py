"""SPEC 1 (Text) and 2 (slugs, digits)."""

import pytest
from pelican.utils import slugify

import pelicanconf
from chapar.persian.text import fold, normalize, to_latin_digits, to_persian_digits
from chapar_persian.reader import split_list
from conftest import ROOT


def test_arabic_letters_become_persian_and_kashida_goes():
    assert normalize("علي كلاهبـــردار ى") == "علی کلاهبردار ی"


def test_zwnj_is_kept():
    assert normalize("می\u200cشود") == "می\u200cشود"


def test_digits_both_ways():
    assert to_persian_digits(4385870) == "۴۳۸۵۸۷۰"
    assert to_persian_digits("١٢٣") == "۱۲۳"
    assert to_latin_digits("۱۳۹۷/٠٦") == "1397/06"


def test_fold_is_a_comparison_key():
    assert fold("اداره  كل ثبت\u200cاحوال") == fold("اداره کل ثبت احوال")
    assert fold("سال ۹۵") == fold("سال 95")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("دولت الکترونیک", "دولت-الکترونیک"),
        ("دولت الكترونيك", "دولت-الکترونیک"),
        ("استان\u200cها", "استان-ها"),
        ("خراسان   شمالی!", "خراسان-شمالی"),
    ],
)
def test_slugs_keep_persian_letters(text, slug):
    assert slugify(text, regex_subs=pelicanconf.SLUG_REGEX_SUBSTITUTIONS, use_unicode=True) == slug


def test_tags_split_on_persian_and_latin_commas():
    assert split_list("دولت الکترونیک، خراسان شمالی,بجنورد ،") == [
        "دولت الکترونیک",
        "خراسان شمالی",
        "بجنورد",
    ]


def test_header_values_and_lines_read_only_the_header():
    from chapar.news.item import header_lines, header_values

    text = "Title: خبر\nNewsCode:  ۴۲ \nnewscode: 7\n\nBody: not a key\n"
    assert header_values(text) == {"title": "خبر", "newscode": "۴۲"}
    assert header_lines(text) == {"title": 1, "newscode": 2}


def test_normalize_skips_only_text_it_would_not_change():
    # persian.text.normalize translates only text in which it finds a
    # character to change: the search must know every one of them.
    from chapar.persian import text

    every = [chr(c) for c in (*range(0xD800), *range(0xE000, 0x10000))]
    assert [c for c in every if text.normalize(c) != c.translate(text._LETTERS)] == []
    assert text.normalize("كلاهبـــردار علي") == "کلاهبردار علی"


def test_constant_theme_strings_are_translated_when_a_template_compiles():
    from jinja2 import Environment

    from chapar.i18n import ConstantGettext, load_translations

    translations = load_translations(str(ROOT / "theme/translations"), "fa")
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations, newstyle=True)
    env.constant_translations = translations
    env.add_extension(ConstantGettext)
    source = (
        '{{ _("Search") }}|{{ _("Archive of %(year)s", year=1397) }}|'
        '{{ _("Archive") ~ "!" }}|{{ x._("Search") }}'
    )
    code = env.compile(source, raw=True)
    assert code.count("(name='_')") == 1  # only the call with a variable is left ...
    assert code.count("'Search'") == 1  # ... and x._("Search"), not the theme's _()
    template = env.from_string(source)
    x = type("X", (), {"_": lambda self, s: "own"})()
    plain = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    plain.install_gettext_translations(translations, newstyle=True)
    assert template.render(x=x) == plain.from_string(source).render(x=x)
    assert template.render(x=x).startswith("جست‌وجو|")
    assert template.render(x=x).endswith("|own")
