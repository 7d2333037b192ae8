"""The Jinja filters the theme uses for Persian dates and digits."""

from chapar.persian import dates, text

JINJA_FILTERS = {
    "jalali": dates.format_date,  # {{ article.date|jalali }}, |jalali("date"), ...
    "isodate": dates.isoformat,
    "fa_digits": text.to_persian_digits,
}
