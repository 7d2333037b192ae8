"""Writing award CSV fixtures for the awards tests."""

AGENCIES = (
    "id,name,aliases,province,website\n"
    "registry,اداره کل ثبت احوال,ثبت احوال,خراسان شمالی,\n"
    "security,اداره کل تامین اجتماعی,تامین اجتماعی|تأمین اجتماعی,خراسان شمالی,\n"
    "post,اداره کل پست,,خراسان شمالی,\n"
)
FESTIVALS = (
    "id,title,year,province,held_on,news_code,honored_employees\n"
    "rajaei-1397,جشنواره شهید رجایی,1397,خراسان شمالی,1397/06/04,4385870,32\n"
)
AWARDS = (
    "festival,agency,group,category,award,note\n"
    "rajaei-1397,registry,,استقرار میز خدمت,برتر,\n"
    "rajaei-1397,security,,استقرار میز خدمت,برتر,\n"
)


def write_awards(folder, agencies=AGENCIES, festivals=FESTIVALS, awards=AWARDS, **extra):
    """Write the three files (str as UTF-8, bytes as given); ``extra`` adds more files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"agencies.csv": agencies, "festivals.csv": festivals, "awards.csv": awards}
    files.update({name.replace("_", "-") + ".csv": text for name, text in extra.items()})
    for name, text in files.items():
        if text is None:
            continue
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return folder
