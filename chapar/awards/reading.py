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
import warnings

import pandas as pd

from chapar.persian import folding
from chapar.problems import Problem

REEXPORT = (
    'in Excel choose File → Save As → "CSV UTF-8 (Comma delimited)"; '
    "in LibreOffice choose Character set: Unicode (UTF-8)"
)

# Letters pasted from Arabic keyboards, kashida dropped, odd spaces unified;
# ZWNJ is kept (it is part of the spelling of زندان‌ها): the ``cell`` profile.
_CELL = folding.CELL
# What no editor means and no page or open-data file can carry, as in news
# files (README.md, "Writing news"): C0 controls but tab and LF, DEL, C1.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_DIGITS = str.maketrans(folding.DIGITS_TO_LATIN)


class Table:
    """One CSV file: its path and rows (a DataFrame with a ``line`` column)."""

    def __init__(self, path, frame):
        self.path = path
        self.frame = frame


def decode(path, data):
    """``(text, problem)``: UTF-8 (BOM or not) or Windows-1256, never mojibake."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(path, 1, f'the file is UTF-16 (Excel\'s "Unicode Text"); {REEXPORT}')
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
    non_ascii = sum(1 for b in data if b >= 0x80)  # noqa: PLR2004
    broken = data.decode("utf-8", errors="replace").count("\ufffd")
    line = _one_newline(data[:first_bad]).count(b"\n") + 1
    if broken * 4 < non_ascii:
        return None, Problem(
            path, line, f"the file is not valid UTF-8 (a broken character on this line); {REEXPORT}"
        )
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
    others = [c for c in text if ord(c) >= 0x80 and not c.isspace()]  # noqa: PLR2004
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
    text = _one_newline(text)
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return None, [
            Problem(path, line, f"control character U+{ord(bad[0]):04X} on this line: delete it")
        ]
    if not text.strip():
        return None, [
            Problem(
                path,
                1,
                "the file is empty; the first line must name the columns: " + ", ".join(required),
            )
        ]
    header = text.split("\n", 1)[0]
    sep = "," if "," in header else (";" if ";" in header else ("\t" if "\t" in header else ","))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_MINIMAL,
                engine="c",
                index_col=False,  # a row with one cell too many must not shift the columns
            )
    except pd.errors.ParserError as exc:
        return None, [_unreadable(path, text, sep, exc)]
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        # pandas dropped the cells of a row beyond the columns: fine if they
        # were empty (a column Excel still exports once its cells are cleared),
        # else say which row has them
        problem = _unreadable(path, text, sep, None)
        if problem is not None:
            return None, [problem]
    problems = []
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    known = set(required) | set(optional)
    for column in frame.columns:
        if column not in known:
            hint = _closest(column, known)
            problems.append(
                Problem(
                    path,
                    1,
                    f"unknown column {column!r}"
                    + (f" (did you mean {hint!r}?)" if hint else "")
                    + "; expected: "
                    + ", ".join((*required, *optional)),
                )
            )
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
    try:
        lines = record_lines(text, sep, len(frame))
    except BadRecord as exc:
        return None, [Problem(path, exc.line, exc.message)]
    broken = _line_breaks_in_cells(path, frame, lines)  # reported; the rows are still checked
    for column in frame.columns:
        frame[column] = normalize_cells(frame[column])
    frame["line"] = lines
    # Blank lines (and rows of empty cells) are dropped only now, so the
    # index above still counts them.
    frame = frame[(frame[list(required) + list(optional)] != "").any(axis=1)]
    return Table(path, frame.reset_index(drop=True)), broken


MULTILINE_COLUMNS = {"note"}  # a note may run over lines; a name or a title never does


def _line_breaks_in_cells(path, frame, lines):
    """A line break inside a quoted cell (Excel's Alt+Enter, a CR pasted from
    another program) would be folded into a space unseen: name it at the
    line where the row starts.
    """
    problems = []
    for column in frame.columns:
        if column in MULTILINE_COLUMNS:
            continue
        broken = frame[column].str.contains("\n", regex=False, na=False).to_numpy()
        for position in broken.nonzero()[0]:
            problems.append(
                Problem(
                    path,
                    int(lines[position]),
                    f"{column!r} holds a line break inside its quoted cell (Alt+Enter in Excel, "
                    "or a pasted line end): write the cell on one line",
                )
            )
    return problems


def _one_newline(text):
    """Every line break as LF: Windows' CRLF, and the lone CR of old Mac
    exports and of cells pasted from them, which editors show as a line
    break too; pandas, the csv module and the line count then agree.
    """
    if isinstance(text, bytes):
        return text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text.replace("\r\n", "\n").replace("\r", "\n")


class BadRecord(Exception):
    """A row the csv module cannot read: the ``line`` it starts on, and why."""

    def __init__(self, line, message):
        super().__init__(f"{line}: {message}")
        self.line, self.message = line, message


def _records(text, sep):
    """``(line, cells)`` of every row, header first, ``line`` being where
    the row starts; :class:`BadRecord` for a row the csv module refuses (a
    cell over its size limit).
    """
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BadRecord(start, f"cannot read this line as CSV: {exc}") from None
        yield start, cells
        start = reader.line_num + 1


def _unreadable(path, text, sep, exc):
    """The :class:`Problem` of a file pandas cannot read as a table, at the
    line of the first bad row: one with a filled cell beyond the columns the
    first line names, or a quote never closed.  ``exc`` is pandas' error;
    ``None`` when pandas only dropped cells beyond the columns, and then
    ``None`` is returned if all of them were empty.
    """
    advice = "check its quotes and the number of commas"
    width, last = None, 1
    try:
        for line, cells in _records(text, sep):
            if width is None:
                width = len(cells)
            elif len(cells) > width and any(cell.strip() for cell in cells[width:]):
                return Problem(
                    path,
                    line,
                    f"this row has {len(cells)} cells but the first "
                    f"line names {width} columns; {advice}",
                )
            last = line
    except BadRecord as bad:
        return Problem(path, bad.line, bad.message)
    # The last row runs to the end of the file: is its quote ever closed?
    rest = "\n".join(text.split("\n")[last - 1 :])
    try:
        for _cells in csv.reader(io.StringIO(rest), delimiter=sep, strict=True):
            pass
    except csv.Error:
        return Problem(
            path,
            last,
            'a quote (") opened in the row starting on this line is '
            "never closed, so the rest of the file is read as one cell; "
            "close it or remove it",
        )
    if exc is None:  # pandas dropped only empty cells
        return None
    match = re.search(r"line (\d+)", str(exc))
    return Problem(
        path, int(match[1]) if match else 1, f"cannot read this line as CSV: {exc}; {advice}"
    )


def record_lines(text, sep, count):
    """The line each data row starts on: index + 2, unless a quoted cell
    spans lines (then counted exactly, with the csv module).  ``text`` has
    only LF line breaks (:func:`_one_newline`).
    """
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines - 1 == count:
        return range(2, count + 2)
    starts = [line for line, _cells in _records(text, sep)][1:]
    return starts[:count] + list(range(lines + 1, lines + 1 + count - len(starts)))


def normalize_cells(series):
    """Persian letters, no kashida or direction marks, single spaces, trimmed.

    Each distinct value is cleaned once: a column of 100,000 rows names a
    few dozen festivals, categories and awards.
    """
    codes, uniques = pd.factorize(series.astype(str))
    cleaned = [_CELL(str(value)) for value in uniques]
    values = pd.array(cleaned, dtype=uniques.dtype).take(codes) if len(codes) else uniques
    return pd.Series(values, index=series.index, name=series.name)


def latin_digits(series):
    """Persian and Arabic-Indic digits to 0-9 (number columns)."""
    return series.str.translate(_DIGITS)


def _closest(word, candidates):
    found = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None
