"""Open data: the validated, normalised award rows as CSV and JSON, with a
Frictionless Data package (``datapackage.json``) describing them.
"""

import csv
import io
import json
import os
import re
from typing import NamedTuple

COLUMNS = (
    # name, Frictionless type, description
    ("festival", "string", "festival id (festivals.csv)"),
    ("festival_year", "integer", "Jalali year of the festival"),
    ("festival_title", "string", "festival title"),
    ("agency", "string", "agency id (agencies.csv)"),
    ("agency_name", "string", "agency name"),
    ("group", "string", "group of agencies ranked together, if any"),
    ("category", "string", "field of the award, if any"),
    ("award", "string", "the award, e.g. برتر, برگزیده, عنوان نخست"),
    ("note", "string", "editor's note"),
    ("shared_with", "string", "ids of the agencies that share this award, separated by |"),
)
# One award of the open data, a field per column above, in their order.
Row = NamedTuple("Row", [(name, int if kind == "integer" else str) for name, kind, _ in COLUMNS])
REQUIRED = ("festival", "festival_year", "festival_title", "agency", "agency_name", "award")
OPTIONAL_TEXT = ("group", "category", "note", "shared_with")


# A cell a spreadsheet would run as a formula (README.md, "Awards": the
# open-data CSV): OWASP's CSV-injection rule, plus the full-width forms that
# some spreadsheets read as the same signs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FIRST = frozenset(FORMULA_STARTS)
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def neutralise(cell):
    """``cell`` as a spreadsheet shows it without running it: a text cell that
    starts like a formula gets a leading ``'`` (which spreadsheets hide and
    take as "this is text").  A negative number (``-5``, ``-1.5``) is left
    as it is: a spreadsheet reads it as the number, runs nothing, and a
    ``'`` would turn it into text that sums and sorts wrongly.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def spreadsheet_safe(rows):
    """The open-data rows with every formula-looking text cell neutralised.

    Columns repeat a few values (festivals, categories, awards), so each
    distinct cell is checked once and only a column with a cell to change
    is copied: 100,000 clean rows are written as they are.
    """
    columns = list(zip(*rows, strict=False))
    changed = False
    for position, column in enumerate(columns):
        fixes = {
            cell: neutralise(cell)
            for cell in set(column)
            if isinstance(cell, str) and cell[:1] in _FIRST
        }
        fixes = {cell: safe for cell, safe in fixes.items() if safe != cell}
        if fixes:
            columns[position] = [fixes.get(cell, cell) for cell in column]
            changed = True
    return list(zip(*columns, strict=False)) if changed else rows


def frame(site):
    """One row per award, in page order (newest festival first)."""
    import pandas as pd  # only when the open data is written (see chapar/awards/kept.py)

    return pd.DataFrame(site.rows, columns=list(Row._fields))


def datapackage(csv_name, json_name):
    """The Frictionless ``datapackage.json`` (a dict) describing the CSV and JSON
    files named ``csv_name`` and ``json_name``: the same schema, primary key and
    required columns for both.
    """
    schema = {
        "fields": [
            {
                "name": name,
                "type": kind,
                "description": description,
                **({"constraints": {"required": True}} if name in REQUIRED else {}),
            }
            for name, kind, description in COLUMNS
        ],
        "primaryKey": ["festival", "agency", "group", "category", "award"],
        "missingValues": [""],
    }
    resource = {"profile": "tabular-data-resource", "encoding": "utf-8", "schema": schema}
    return {
        "profile": "tabular-data-package",
        "name": "chapar-awards",
        "title": "جوایز دستگاه‌های اجرایی در جشنواره‌ها",
        "description": (
            "Festival awards won by government agencies, as published on Chapar. "
            "In awards.csv a text cell starting with =, +, -, @, a tab or a carriage "
            "return (other than a negative number) has a ' put before it, so that a "
            "spreadsheet shows it instead of running it; awards.json has every value "
            "as it is."
        ),
        "resources": [
            {
                "name": "awards",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "dialect": {"delimiter": ",", "header": True},
                **resource,
            },
            {
                "name": "awards-json",
                "path": json_name,
                "format": "json",
                "mediatype": "application/json",
                **resource,
            },
        ],
    }


def write(site, folder, csv_name="awards.csv", json_name="awards.json"):
    """Write the three files into ``folder``; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    table = frame(site)
    paths = [os.path.join(folder, n) for n in (csv_name, json_name, "datapackage.json")]
    # A BOM, so that Excel (the editors' and most readers' tool) shows Persian
    # instead of mojibake; pandas, Frictionless and browsers skip it.  The
    # rows are written by the csv module in one piece (what pandas' to_csv
    # writes, a third of its time at 100,000 rows).
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(spreadsheet_safe(site.rows))
    with open(paths[0], "wb") as handle:
        handle.write(text.getvalue().encode("utf-8-sig"))
    records = table.copy()
    for column in OPTIONAL_TEXT:  # JSON says null where the CSV cell is empty
        records[column] = records[column].where(records[column] != "", None)
    records.to_json(paths[1], orient="records", force_ascii=False, indent=0)
    with open(paths[2], "w", encoding="utf-8") as handle:
        json.dump(datapackage(csv_name, json_name), handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return paths
