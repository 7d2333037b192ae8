"""Gates that cost what changed: check only the output files whose bytes
changed since the last build that passed every gate.

``invoke publish`` keeps, in ``cache/gates.json``, what it checked the last
time every gate passed: a digest of each output file, the internal link
targets of each HTML page, the withheld texts looked for, and a fingerprint of
the code, theme and settings.  The next publish then checks

- the HTML checker, the budgets and the privacy scan on the changed files only
  (an unchanged file passed them and still holds the same bytes; a withheld
  text new since then is looked for in every file);
- the links of the changed pages, plus those of every unchanged page that
  links to a page that disappeared, or to an ``#anchor`` in a page that
  changed (its ids may have gone);
- axe-core on one changed page of each type;
- the feeds, always (two files).

Everything is checked again (as ``run_gates`` does) when there is no record,
when the code, theme or settings changed, when a stylesheet, script or font
of the output changed (every page's weight and rendering depends on them),
and on ``--full``.  The problems found equal a full check's: an unchanged
file's problems were none, since the record is written only after a pass.
"""

import hashlib
import json
import os
from pathlib import Path

import pelican

from chapar.checks.budgets import budget_problems
from chapar.checks.html import vnu_errors
from chapar.checks.links import broken_links, link_targets
from chapar.checks.pages import GENERATED
from chapar.publishing import gates

FORMAT = 1
# Output files that every page depends on: a change checks everything.
SHARED_SUFFIXES = {".css", ".js", ".woff2", ".woff", ".ttf", ".otf"}


def fingerprint(folders=(), files=(), extra=""):
    """A digest of the files under ``folders`` and of ``files`` (code, theme,
    settings) with Pelican's version and ``extra`` (the site's URL, say).
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT} {pelican.__version__} {extra}".encode())
    paths = [Path(f) for f in files]
    for folder in folders:
        for root, dirs, names in os.walk(folder, followlinks=True):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            paths += [Path(root) / name for name in sorted(names) if not name.endswith(".pyc")]
    for path in paths:
        if path.is_file():
            h.update(str(path).encode())
            h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return h.hexdigest()


def digests(output_dir, previous=None):
    """``{relative path: [digest, size, mtime_ns, inode]}`` of every file;
    a file whose size, mtime and inode equal ``previous``'s (a page the page
    cache hard-linked from the last build) is not read again.
    """
    root = os.path.abspath(output_dir)
    previous = previous or {}
    found = {}
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        prefix = folder[len(root) + 1 :].replace(os.sep, "/")
        for name in sorted(names):
            path = os.path.join(folder, name)
            rel = f"{prefix}/{name}" if prefix else name
            stat = os.stat(path)
            known = previous.get(rel)
            if known and known[1:] == [stat.st_size, stat.st_mtime_ns, stat.st_ino]:
                found[rel] = known
                continue
            with open(path, "rb") as handle:
                digest = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
            found[rel] = [digest, stat.st_size, stat.st_mtime_ns, stat.st_ino]
    return found


def load(state):
    """The record saved at ``state`` (a path), or None when it is missing, unreadable
    or of another format: everything is then checked.
    """
    try:
        record = json.loads(Path(state).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if record.get("format") == FORMAT else None


def plan(output_dir, record, site_fingerprint, full=False):
    """``(files, changed, removed, full)``: the digests now, the relative paths
    whose bytes changed or are new, those gone, and whether to check all.
    """
    files = digests(output_dir, (record or {}).get("files"))
    before = (record or {}).get("files", {})
    changed = {rel for rel, d in files.items() if rel not in before or before[rel][0] != d[0]}
    removed = set(before) - set(files)
    full = (
        full
        or record is None
        or record.get("fingerprint") != site_fingerprint
        or any(Path(rel).suffix in SHARED_SUFFIXES for rel in changed | removed)
    )
    return files, changed, removed, full


def pages_of(files):
    """The HTML pages among ``files`` (relative paths), as ``html_files`` lists them."""
    return {rel for rel in files if rel.endswith(".html") and not rel.startswith(GENERATED)}


def _relinked(record, changed, removed):
    """Unchanged pages whose links may have broken: they link to a removed
    file, or to an ``#anchor`` of a changed or removed page.
    """
    names = record.get("names", [])
    pages = set()
    for page, (plain, anchored) in record.get("links", {}).items():
        if any(names[i] in removed for i in plain) or any(
            names[i] in removed or names[i] in changed for i in anchored
        ):
            pages.add(page)
    return pages


def _links_record(output_dir, siteurl, record, pages, reparse, found=None):
    """The link graph of ``pages``, target names numbered once: the record's
    entry for a page not in ``reparse``, the page's own links otherwise, as the
    links gate ``found`` them (a full check reads every page once, not twice).
    """
    old_names = (record or {}).get("names", [])
    old_links = (record or {}).get("links", {})
    found = found or {}
    unread = sorted(rel for rel in reparse if rel not in found)
    fresh = {
        **link_targets(output_dir, siteurl, [Path(output_dir) / rel for rel in unread]),
        **found,
    }
    numbers, names, links = {}, [], {}
    for page in sorted(pages):
        if page in fresh:
            plain, anchored = fresh[page]
        else:
            plain, anchored = ([old_names[i] for i in ids] for ids in old_links[page])
        entry = []
        for targets in (plain, anchored):
            ids = []
            for target in sorted(targets):
                if target not in numbers:
                    numbers[target] = len(names)
                    names.append(target)
                ids.append(numbers[target])
            entry.append(ids)
        links[page] = entry
    return names, links


def run_changed_gates(
    output_dir,
    siteurl="",
    secrets=None,
    state=None,
    site_fingerprint="",
    full=False,
    browser=True,
    confirm=None,
):
    """``({gate: [problems]}, summary)`` like ``gates.run_gates``, checking what
    changed since the record in ``state`` (a JSON file); when every gate
    passes the record is replaced.  ``summary``: ``{"full": bool, "changed":
    n, "removed": n, "checked pages": n, "pages": n}``; ``confirm``:
    ``gates.leaked_texts``.
    """
    root = Path(output_dir)
    secrets = secrets or {}
    record = load(state) if state else None
    files, changed, removed, full = plan(root, record, site_fingerprint, full)
    pages_now = pages_of(files)
    found = {}  # the link targets of each page the links gate reads, for the record
    if full:
        results = gates.run_gates(
            root,
            siteurl,
            secrets=secrets,
            browser=browser,
            confirm=confirm,
            links_found=found,
        )
        link_pages = pages_now
    else:
        changed_pages = sorted(pages_now & changed)
        link_pages = set(changed_pages) | (_relinked(record, changed, removed) & pages_now)
        text_changed = [
            root / rel for rel in sorted(changed) if Path(rel).suffix in gates.TEXT_SUFFIXES
        ]
        old_secrets = set(record.get("secrets", []))
        new_secrets = {
            label: text
            for label, text in secrets.items()
            if _secret_digest(text) not in old_secrets
        }
        axe = gates.axe_problems if browser else None
        with (
            gates.beside(vnu_errors, root, files=[root / rel for rel in changed_pages]) as html,
            gates.beside(axe, root, siteurl, among=set(changed_pages)) as accessibility,
        ):
            results = {
                "html": None,  # first, as the gates are listed
                "links": broken_links(
                    root, siteurl, pages=[root / rel for rel in sorted(link_pages)], found=found
                ),
                "budgets": budget_problems(root, siteurl, only=changed_pages),
                "privacy": gates.leaked_emails(root, files=text_changed)
                + _sorted_leaks(root, secrets, new_secrets, text_changed, confirm),
                "feeds": gates.feed_problems(root),
            }
            results["html"] = html()
            if browser:
                results["accessibility"] = accessibility()
    summary = {
        "full": full,
        "changed": len(changed),
        "removed": len(removed),
        "checked pages": len(pages_now) if full else len(link_pages),
        "pages": len(pages_now),
    }
    if state and not any(results.values()):
        known = set((record or {}).get("links", {})) if not full else set()
        reparse = {page for page in pages_now if page in changed or page not in known}
        names, links = _links_record(root, siteurl, record, pages_now, reparse, found)
        Path(state).parent.mkdir(parents=True, exist_ok=True)
        Path(state).write_text(
            json.dumps(
                {
                    "format": FORMAT,
                    "fingerprint": site_fingerprint,
                    "files": files,
                    "secrets": sorted(_secret_digest(t) for t in secrets.values()),
                    "names": names,
                    "links": links,
                },
                separators=(",", ":"),
            ),
            "utf-8",
        )
    return results, summary


def _secret_digest(text):
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _sorted_leaks(root, secrets, new_secrets, text_changed, confirm=None):
    """Every secret in the changed files, and the new secrets in the others,
    in the order a full scan reports them.
    """
    changed = set(text_changed)
    found = gates.leaked_texts(root, secrets, files=text_changed, confirm=confirm)
    if new_secrets:
        others = [p for p in gates.text_files(root) if p not in changed]
        found += gates.leaked_texts(root, new_secrets, files=others, confirm=confirm)
    order = {label: i for i, label in enumerate(secrets)}
    return sorted(
        found,
        key=lambda p: (p.rsplit(": contains ", 1)[0], order.get(p.rsplit(": contains ", 1)[1], 0)),
    )
