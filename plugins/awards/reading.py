"""Reading award CSVs: bytes to text, text to a normalised DataFrame.

Editors export from Excel, which writes UTF-8 (with a BOM), Windows-1256
("CSV" on an Arabic/Persian Windows) or, with some locales, ``;``-separated
files.  All of them are read here; anything else is rejected with a message
that says how to export again.  Every row keeps its line in the file.
"""

import csv
import difflib
import io
import re

import pandas as pd

from persian.problems import Problem
from persian.text import KASHIDA

REEXPORT = (
    "in Excel choose File → Save As → \"CSV UTF-8 (Comma delimited)\"; "
    "in LibreOffice choose Character set: Unicode (UTF-8)"
)

# Letters pasted from Arabic keyboards, kashida dropped, odd spaces unified;
# ZWNJ is kept (it is part of the spelling of زندان‌ها).
_CELL = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", KASHIDA: None, "\u00a0": " ", "\t": " ",
     "\u200f": None, "\u200e": None, "\ufeff": None}
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_SPACE_RUNS = re.compile(r" {2,}")


class Table:
    """One CSV file: its path and rows (a DataFrame with a ``line`` column)."""

    def __init__(self, path, frame):
        self.path = path
        self.frame = frame


def decode(path, data):
    """``(text, problem)``: UTF-8 (BOM or not) or Windows-1256, never mojibake."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(path, 1, f"the file is UTF-16 (Excel's \"Unicode Text\"); {REEXPORT}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # A UTF-8 file with a few broken bytes must not be read as Windows-1256:
    # its Persian letters would turn into «ط§ط¯ط§ط±ظ‡».  Mostly-valid UTF-8
    # is therefore rejected; a file with no valid multi-byte sequence is not
    # UTF-8 at all and is tried as Excel's Arabic code page.
    non_ascii = sum(1 for b in data if b >= 0x80)
    broken = data.decode("utf-8", errors="replace").count("\ufffd")
    line = data[:first_bad].count(b"\n") + 1
    if broken * 4 < non_ascii:
        return None, Problem(path, line, f"the file is not valid UTF-8 (a broken character on this line); {REEXPORT}")
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = None
    if text is None or not _looks_persian(text):
        return None, Problem(
            path, line, f"the file is neither UTF-8 nor Windows-1256 (Arabic) text; {REEXPORT}"
        )
    return text, None


def _looks_persian(text):
    """Most non-ASCII letters of a real Windows-1256 Persian file are Arabic script."""
    others = [c for c in text if ord(c) >= 0x80 and not c.isspace()]
    arabic = sum(1 for c in others if "\u0600" <= c <= "\u06ff" or c in "\u200c\u200d")
    return bool(others) and arabic >= 0.9 * len(others)


def read_table(path, required, optional):
    """``(Table or None, [Problem])`` for one CSV file.

    Column names are matched case-insensitively; every cell is a normalised
    string ("" when empty); ``line`` is the row's line in the file
    (index + 2: the header is line 1, blank lines are kept so the count holds).
    """
    with open(path, "rb") as handle:
        data = handle.read()
    text, problem = decode(path, data)
    if problem:
        return None, [problem]
    if not text.strip():
        return None, [Problem(path, 1, "the file is empty; the first line must name the columns: "
                              + ", ".join(required))]
    header = text.split("\n", 1)[0]
    sep = "," if "," in header else (";" if ";" in header else ("\t" if "\t" in header else ","))
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
            skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL, engine="c",
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match[1]) if match else 1
        return None, [Problem(path, line, f"cannot read this line as CSV: {exc}; "
                              "check its quotes and the number of commas")]
    problems = []
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    known = set(required) | set(optional)
    for column in frame.columns:
        if column not in known:
            hint = _closest(column, known)
            problems.append(Problem(path, 1, f"unknown column {column!r}"
                                    + (f" (did you mean {hint!r}?)" if hint else "")
                                    + "; expected: " + ", ".join((*required, *optional))))
    for column in required:
        if column not in frame.columns:
            problems.append(Problem(path, 1, f"missing column {column!r}"))
    if len(set(frame.columns)) != len(frame.columns):
        problems.append(Problem(path, 1, "a column name appears twice"))
    if problems:
        return None, problems
    frame = frame.fillna("")
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[[*required, *optional]]
    for column in frame.columns:
        frame[column] = normalize_cells(frame[column])
    frame["line"] = record_lines(text, sep, len(frame))
    # Blank lines (and rows of empty cells) are dropped only now, so the
    # index above still counts them.
    frame = frame[(frame[list(required) + list(optional)] != "").any(axis=1)]
    return Table(path, frame.reset_index(drop=True)), []


def record_lines(text, sep, count):
    """The line each data row starts on: index + 2, unless a quoted cell
    spans lines (then counted exactly, with the csv module)."""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines - 1 == count:
        return range(2, count + 2)
    starts = []
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    next(reader, None)
    previous = reader.line_num
    for _row in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts[:count] + list(range(previous + 1, previous + 1 + count - len(starts)))


def normalize_cells(series):
    """Persian letters, no kashida or direction marks, single spaces, trimmed.

    Each distinct value is cleaned once: a column of 100,000 rows names a
    few dozen festivals, categories and awards."""
    codes, uniques = pd.factorize(series.astype(str))
    cleaned = [_SPACE_RUNS.sub(" ", str(value).translate(_CELL).strip()) for value in uniques]
    values = pd.array(cleaned, dtype=uniques.dtype).take(codes) if len(codes) else uniques
    return pd.Series(values, index=series.index, name=series.name)


def latin_digits(series):
    """Persian and Arabic-Indic digits to 0-9 (number columns)."""
    return series.str.translate(_DIGITS)


def _closest(word, candidates):
    found = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None
