"""What the service says to readers, in Persian, in one place.

Each answer carries a stable English ``error`` code (for scripts and tests)
and one of these messages (for people).
"""

MESSAGES = {
    # accepted
    "published": "نظر شما رسید و پس از به‌روزرسانی بعدی سایت، زیر همین خبر منتشر می‌شود.",
    "held": "نظر شما رسید و پس از بررسی سردبیر منتشر می‌شود.",
    # refused
    "rate_limited": "از شما در یک دقیقه نظرهای زیادی رسیده است؛ لطفاً کمی بعد دوباره بفرستید.",
    "origin": "این فرم فقط از صفحه‌های خود سایت پذیرفته می‌شود.",
    "too_large": "نظر شما از اندازهٔ مجاز بزرگ‌تر است؛ لطفاً آن را کوتاه کنید.",
    "content_type": "نوع دادهٔ فرستاده‌شده پذیرفته نیست: فرم (application/x-www-form-urlencoded) یا JSON بفرستید.",
    "encoding": "متن فرستاده‌شده UTF-8 درست نیست.",
    "malformed": "دادهٔ فرستاده‌شده خوانده نشد.",
    "field_twice": "یکی از بخش‌های فرم دو بار فرستاده شده است.",
    "missing_name": "لطفاً نام خود را بنویسید.",
    "missing_text": "لطفاً متن نظر را بنویسید.",
    "bad_name": "نام باید یک خط و حداکثر {max} نویسه باشد و دست‌کم یک حرف داشته باشد.",
    "bad_email": "نشانی ایمیل درست نیست.",
    "bad_text": "متن نظر نویسه‌های کنترلی یا نامعتبر دارد.",
    "bad_reply_to": "نظری که به آن پاسخ می‌دهید پیدا نشد.",
    "no_article": "خبری با این شماره پیدا نشد یا منتشر نشده است.",
    "rejected": "نظر شما منتشر نمی‌شود.",
    "server": "نظر شما ذخیره نشد؛ لطفاً دوباره بفرستید.",
}

# Rules without a reader text (README.md, "Comments": "enforced only") still owe the
# reader a reason; these name it by the check.
CHECK_TEXTS = {
    "length_empty": "لطفاً متن نظر را بنویسید.",
    "length": "نظر شما بیش از اندازه طولانی است (حداکثر {max} نویسه).",
    "duplicate": "همین نظر پیش‌تر برای این خبر فرستاده شده است.",
    "lexicon": "نظرات حاوی توهین منتشر نمی‌شود.",
    "language": "لطفاً نظر خود را به زبان فارسی بنویسید.",
    "links": "نظر شما پیوندهای زیادی دارد.",
    "relevance": "نظر شما با موضوع خبر مرتبط نیست.",
}

PAGE = """<!doctype html>
<html lang="fa" dir="rtl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title></head>
<body>
<main>
<h1>{title}</h1>
<p>{message}</p>
<p><a href="{back}">بازگشت به خبر</a></p>
</main>
</body>
</html>
"""
PAGE_TITLE = "نظر شما فرستاده نشد"
