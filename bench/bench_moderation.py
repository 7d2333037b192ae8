"""Moderation quality on labelled public data: what the build's rules decide.

    .venv/bin/python bench/bench_moderation.py                    # ../shared/moderation-eval
    .venv/bin/python bench/bench_moderation.py /path/to/moderation-eval --show-errors 10
    .venv/bin/python bench/bench_moderation.py --json > moderation.json

The folder holds ``dev.csv`` (``id,text,label,source``) and
``dev_relevance.csv`` (``id,comment,article,label,source``); its README
says where the texts come from and why none of them may be copied into this
repository (word lists, rules, tests, fixtures, docs).  This script only
reads them and prints figures; ``--show-errors`` prints short fragments to
the terminal.

The code path is the build's: the rules are the site's published ones
(COMMENTS["rules"] of pelicanconf.py, loaded by ``load_rules``); each text
becomes a comment file that ``chapar.comments.store.parse_comment`` reads
(it applies the display normalisation, ``chapar.persian.text.normalize``,
to the body) and ``moderate_article`` decides, as the comment pass does per
article folder.  dev.csv has no articles, so its items are decided by the
rules without ``relevance`` (with an empty article every comment of four
words or more would be held); dev_relevance.csv gives each comment its
headline as the article.

Printed: per check and per label, precision, recall and false-flag rate
(share of clean or on-topic items flagged) with counts; the language
check's confusion matrix on the text before and after the display
normalisation; held and rejected rates of on- and off-topic pairs;
persian-text-guard's own filter as a baseline for the lexicon, and the lexicon's
ceiling: every hold-tier term held wherever it stands, which no context rule can pass
with the same word lists.
A measurement, not a test.
"""

import argparse
import csv
import json
import re
import runpy
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from chapar.comments import store
from chapar.comments.site import comment_settings
from chapar.moderation import (
    article_words,
    check_text,
    detect_language,
    load_rules,
    moderate_article,
    tokens,
    words,
)

DEFAULT_DATA = ROOT.parent / "shared" / "moderation-eval"

PERSIAN = ("offensive_fa", "clean_fa")
FOREIGN = ("finglish", "arabic", "english")
LABELS = PERSIAN + FOREIGN
TRUE_LANGUAGE = {
    "offensive_fa": "fa",
    "clean_fa": "fa",
    "finglish": "fin",
    "arabic": "ar",
    "english": "en",
}
DETECTED = ("fa", "ar", "en", "fin", "none")

# What each check should flag in dev.csv, and which labels are scored.  The
# lexicon is scored on Persian only (whether a Finglish or English comment is
# offensive is not labelled: its flags are counted, not scored).  Every other
# check and the whole rule set: what should not be published as it is.
NOT_PUBLISHABLE = frozenset(("offensive_fa", *FOREIGN))
TARGETS = {
    "lexicon": (frozenset({"offensive_fa"}), PERSIAN),
    "language": (frozenset(FOREIGN), LABELS),
}
DEFAULT_TARGET = (NOT_PUBLISHABLE, LABELS)
ARABIC_YEH_KAF = re.compile("[يىك]")  # what chapar.persian.text.normalize folds
SKIPPED_ON_DEV = ("relevance", "duplicate")  # need an article / other comments


# --- data -------------------------------------------------------------------


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_dev(folder):
    return read_csv(Path(folder) / "dev.csv")


def read_relevance(folder):
    return read_csv(Path(folder) / "dev_relevance.csv")


# --- metrics ----------------------------------------------------------------


def ratio(a, b):
    return a / b if b else None


def binary_metrics(flags, truths):
    """Counts, precision, recall and false-flag rate of ``flags`` (bools)
    against ``truths`` (bools: the item should be flagged).
    """
    tp = fp = fn = tn = 0
    for flag, truth in zip(flags, truths, strict=True):
        if flag and truth:
            tp += 1
        elif flag:
            fp += 1
        elif truth:
            fn += 1
        else:
            tn += 1
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "flagged": tp + fp,
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "false_flag_rate": ratio(fp, fp + tn),
    }


def check_metrics(labels, flags, target, scored):
    """One check's figures on dev.csv: ``labels`` and ``flags`` per item;
    ``target`` the labels it should flag, ``scored`` the labels scored.
    Per label: n, flagged, rate and its role (target, clean or unscored).
    """
    per_label = {}
    known = [label for label in LABELS if label in labels]
    for label in known + sorted(set(labels) - set(known)):
        n = sum(1 for lab in labels if lab == label)
        flagged = sum(1 for lab, f in zip(labels, flags, strict=False) if lab == label and f)
        role = "target" if label in target else "clean" if label in scored else "unscored"
        per_label[label] = {"n": n, "flagged": flagged, "rate": ratio(flagged, n), "role": role}
    pairs = [(f, lab in target) for lab, f in zip(labels, flags, strict=False) if lab in scored]
    overall = binary_metrics([f for f, _ in pairs], [t for _, t in pairs])
    return {"overall": overall, "per_label": per_label}


def confusion(truth, detected):
    """``{true: Counter(detected)}``."""
    matrix = defaultdict(Counter)
    for t, d in zip(truth, detected, strict=False):
        matrix[t][d] += 1
    return {t: dict(c) for t, c in matrix.items()}


# --- the build's path ---------------------------------------------------------


def site_rules(rules_path=None):
    """The rules the build loads, COMMENTS["rules"] of pelicanconf.py (relative
    to the project root), and COMMENTS["max_characters"].
    """
    settings = comment_settings(runpy.run_path(str(ROOT / "pelicanconf.py")))
    path = Path(rules_path or settings["rules"])
    if not path.is_absolute():
        path = ROOT / path
    return load_rules(path), settings["max_characters"]


def without(rules, *checks):
    """The same rules with the rules of ``checks`` left out."""
    return type(rules)([r for r in rules.rules if r.check not in checks], rules.path)


def as_comment(item_id, text, code="bench"):
    """``(comment, raw body)``: ``text`` as a comment file read by the
    build's parser (it normalises the body for display and checks).
    """
    source = f"Author: bench\nDate: 2025-01-01 12:00\nId: c{item_id}\n\n{text}\n"
    path = f"content/comments/{code}/c{item_id}.md"
    comment, problems = store.parse_comment(source, path, code)
    raw = store.parse_header(source)[2]
    if problems:
        raise ValueError(f"{item_id}: {problems[0]}")
    return comment, raw


def decide(rules, comment, article_text, limit):
    """The build's decision on one comment alone on its article."""
    return moderate_article(rules, [comment], article_text, limit)[comment.id]


def run_dev(rules, limit, rows):
    """Per item: the raw and the build's (normalised) body, each enforced
    check's reason on both, the detected language on both, and the
    decision of the rules without relevance.
    """
    dev_rules = without(rules, *SKIPPED_ON_DEV)
    checks = [r for r in dev_rules.rules if r.check]
    items = []
    for row in rows:
        comment, raw = as_comment(row["id"], row["text"])
        body = comment.body
        words_raw, words_body = tokens(raw), tokens(body)
        items.append(
            {
                "id": row["id"],
                "label": row["label"],
                "raw": raw,
                "body": body,
                "checks": {r.id: check_text(r, body, words_body) for r in checks},
                "checks_raw": {r.id: check_text(r, raw, words_raw) for r in checks},
                "language": detect_language(body),
                "language_raw": detect_language(raw),
                "decision": decide(dev_rules, comment, "", limit),
            }
        )
    return checks, items


def guard_baselines(rules, texts):
    """persian-text-guard's own matcher: its public default list
    (``WordList.persian_default()``), and the lists and word files the
    lexicon rule names, read the way the engine reads them.
    """
    from persian_text_guard import ProfanityFilter, WordCategory, WordList

    from chapar.guard_compat import bundled_list_text

    filters = {"guard: persian_default()": ProfanityFilter(WordList.persian_default())}
    lexicon = next((r for r in rules.rules if r.check == "lexicon"), None)
    if lexicon is not None:
        words = []
        for name in lexicon.params["lists"]:
            words += [
                w
                for w in WordList.parse(bundled_list_text(name))
                if w.category != WordCategory.MILD
            ]
        folder = Path(rules.path).parent
        for name in lexicon.params["words"]:
            words += WordList.load(folder / name)
        filters[f"guard: rule's lists + word files ({lexicon.id})"] = ProfanityFilter(words)
    return {name: [f.contains_profanity(t) for t in texts] for name, f in filters.items()}


def run_relevance(rules, limit, pairs):
    """Per pair: the build's decision with the headline as the article, and
    the relevance rules' own reasons.
    """
    relevance = [r for r in rules.rules if r.check == "relevance"]
    items = []
    for row in pairs:
        comment, _raw = as_comment(row["id"], row["comment"], code=row["id"])
        article = row["article"]
        words = tokens(comment.body)
        art = article_words(article, rules)
        reasons = {r.id: check_text(r, comment.body, words, art) for r in relevance}
        skip = frozenset().union(*(r.skip_words for r in relevance))
        items.append(
            {
                "id": row["id"],
                "label": row["label"],
                "body": comment.body,
                "article": article,
                "decision": decide(rules, comment, article, limit),
                "checks": reasons,
                "content_words": len(set(words) - skip),
            }
        )
    return relevance, items


# --- report -------------------------------------------------------------------


def pct(value):
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def short(text, n=80):
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def evaluate(folder, rules_path=None, show_errors=0, baseline=True):
    started = time.perf_counter()
    rules, limit = site_rules(rules_path)
    rows, pairs = read_dev(folder), read_relevance(folder)
    checks, items = run_dev(rules, limit, rows)
    labels = [i["label"] for i in items]
    out = {
        "rules": str(Path(rules.path).relative_to(ROOT))
        if Path(rules.path).is_relative_to(ROOT)
        else rules.path,
        "data": str(folder),
        "dev_items": len(items),
        "relevance_pairs": len(pairs),
        "checks": {},
        "errors": {},
    }

    def add(name, flags, target, scored, errors_of=None):
        out["checks"][name] = check_metrics(labels, flags, target, scored)
        if show_errors:
            out["errors"][name] = errors(items, flags, target, scored, show_errors, errors_of)

    for rule in checks:
        target, scored = TARGETS.get(rule.check, DEFAULT_TARGET)
        # what the build checks: the body as typed (CommentFile.typed_body)
        flags = [i["checks_raw"][rule.id] is not None for i in items]
        if not any(flags) and rule.check not in TARGETS:
            out["checks"][f"{rule.id} [{rule.check}]"] = {"never_fires": True}
            continue
        add(
            f"{rule.id} [{rule.check}]",
            flags,
            target,
            scored,
            lambda i, r=rule.id: i["checks_raw"][r],
        )
    # The lexicon's ceiling: the rule as it would be if every hold-tier term
    # were held wherever it stands, aimed at someone or not.  No context rule
    # can do better with these word lists; what it still misses has no listed word.
    for rule in checks:
        if rule.check == "lexicon" and getattr(rule, "hold_lexicon", None) is not None:
            prepared = [words.prepare(i["raw"]).raw for i in items]
            add(
                f"{rule.id} ceiling: every hold-tier term held wherever it stands",
                [bool(rule.lexicon.find(w) or rule.hold_lexicon.locate(w)[0]) for w in prepared],
                *TARGETS["lexicon"],
            )
    # the library's matcher costs most of the run: --no-baseline leaves it out
    baselines = guard_baselines(rules, [i["raw"] for i in items]) if baseline else {}
    for name, flags in baselines.items():
        add(name, flags, *TARGETS["lexicon"])
    add(
        "all rules (not published)",
        [i["decision"].status != "published" for i in items],
        *DEFAULT_TARGET,
        lambda i: f"{i['decision'].status} by {i['decision'].rule or '-'}",
    )
    out["decided_by"] = {
        label: dict(
            Counter(
                f"{i['decision'].status}:{i['decision'].rule or '-'}"
                for i in items
                if i["label"] == label
            )
        )
        for label in LABELS
    }

    # the language check on the raw text and on the build's normalised body
    truth = [TRUE_LANGUAGE.get(lab, lab) for lab in labels]
    language_rules = [r for r in checks if r.check == "language"]
    out["language"] = {
        "build_uses": "raw (store.parse_comment keeps the body as typed, typed_body, for moderation)",
        "confusion_raw": confusion(truth, [i["language_raw"] for i in items]),
        "confusion_normalised": confusion(truth, [i["language"] for i in items]),
        "detection_changed": sum(i["language"] != i["language_raw"] for i in items),
        "text_changed": sum(i["body"] != i["raw"] for i in items),
        "text_changed_by_label": dict(Counter(i["label"] for i in items if i["body"] != i["raw"])),
        # raw text holding Arabic-only yeh/kaf, which the display normalisation
        # turns into Persian letters, and how the build (reading the raw text)
        # detects those
        "arabic_yeh_kaf": {
            t: {"items": len(group), "detected": dict(Counter(i["language_raw"] for i in group))}
            for t in ("fa", "fin", "ar", "en")
            for group in [
                [
                    i
                    for i, tl in zip(items, truth, strict=False)
                    if tl == t and ARABIC_YEH_KAF.search(i["raw"])
                ]
            ]
        },
        "check_changed": {
            r.id: sum((i["checks"][r.id] is None) != (i["checks_raw"][r.id] is None) for i in items)
            for r in checks
        },
    }
    for rule in language_rules:
        for form, key in (("raw", "checks_raw"), ("normalised", "checks")):
            flags = [i[key][rule.id] is not None for i in items]
            out["language"][f"{rule.id} on {form}"] = check_metrics(
                labels, flags, *TARGETS["language"]
            )["overall"]

    # relevance pairs
    relevance, pair_items = run_relevance(rules, limit, pairs)
    rel = {"per_label": {}, "checks": {}}
    for label in ("on_topic", "off_topic"):
        group = [i for i in pair_items if i["label"] == label]
        statuses = Counter(i["decision"].status for i in group)
        rel["per_label"][label] = {
            "n": len(group),
            **{s: statuses.get(s, 0) for s in ("published", "held", "rejected")},
            "held_rate": ratio(statuses.get("held", 0), len(group)),
            "rejected_rate": ratio(statuses.get("rejected", 0), len(group)),
            "decided_by": dict(
                Counter(f"{i['decision'].status}:{i['decision'].rule or '-'}" for i in group)
            ),
            "too_short_to_judge": sum(
                i["content_words"] < r.params["min_words"] for i in group for r in relevance[:1]
            ),
        }
    truths = [i["label"] == "off_topic" for i in pair_items]
    for rule in relevance:
        flags = [i["checks"][rule.id] is not None for i in pair_items]
        rel["checks"][f"{rule.id} [relevance]"] = binary_metrics(flags, truths)
        if show_errors:
            out["errors"][f"{rule.id} [relevance]"] = pair_errors(
                pair_items, flags, truths, show_errors, lambda i, r=rule.id: i["checks"][r]
            )
    flags = [i["decision"].status != "published" for i in pair_items]
    rel["checks"]["all rules (not published)"] = binary_metrics(flags, truths)
    out["relevance"] = rel
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


def errors(items, flags, target, scored, n, reason_of=None):
    """Up to ``n`` misclassified scored items: false flags first (half of
    ``n``, rounded up), then misses, each kind filling the other's room.
    """
    wrong_flag = [
        i
        for i, f in zip(items, flags, strict=False)
        if f and i["label"] in scored and i["label"] not in target
    ]
    missed = [i for i, f in zip(items, flags, strict=False) if not f and i["label"] in target]
    a = min(len(wrong_flag), max((n + 1) // 2, n - len(missed)))
    picked = [("false flag", i) for i in wrong_flag[:a]] + [("missed", i) for i in missed[: n - a]]
    return [
        {
            "kind": kind,
            "id": i["id"],
            "label": i["label"],
            "why": (reason_of(i) if reason_of and kind == "false flag" else None),
            "text": short(i["body"]),
        }
        for kind, i in picked
    ]


def pair_errors(items, flags, truths, n, reason_of):
    wrong_flag = [i for i, f, t in zip(items, flags, truths, strict=False) if f and not t]
    missed = [i for i, f, t in zip(items, flags, truths, strict=False) if not f and t]
    a = min(len(wrong_flag), max((n + 1) // 2, n - len(missed)))
    picked = [("false flag", i) for i in wrong_flag[:a]] + [("missed", i) for i in missed[: n - a]]
    return [
        {
            "kind": kind,
            "id": i["id"],
            "label": i["label"],
            "why": reason_of(i) if kind == "false flag" else None,
            "text": short(i["body"], 60),
            "article": short(i["article"], 60),
        }
        for kind, i in picked
    ]


def print_report(out):
    print(f"rules: {out['rules']}   data: {out['data']}")
    print(f"dev.csv: {out['dev_items']} items; dev_relevance.csv: {out['relevance_pairs']} pairs")
    print("dev.csv is decided without relevance (no article) and duplicate (one comment each).")
    print()
    print("== Checks on dev.csv ==")
    print("precision/recall of flagging the target labels; false-flag rate = clean items flagged")
    for name, m in out["checks"].items():
        if m.get("never_fires"):
            print(f"\n{name}: never fires on dev.csv")
            continue
        o = m["overall"]
        print(
            f"\n{name}: precision {pct(o['precision'])}  recall {pct(o['recall'])}  "
            f"false-flag rate {pct(o['false_flag_rate'])}   "
            f"(tp {o['tp']}, fp {o['fp']}, fn {o['fn']}, tn {o['tn']})"
        )
        for label, p in m["per_label"].items():
            what = {"target": "recall", "clean": "false flags", "unscored": "flagged (unscored)"}
            print(
                f"    {label:<13} {p['flagged']:>5} / {p['n']:<5} {pct(p['rate'])}  "
                f"{what[p['role']]}"
            )
    print("\n-- Decisions of all rules on dev.csv (status:rule) --")
    for label, counts in out["decided_by"].items():
        print(
            f"    {label:<13} "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        )

    lang = out["language"]
    print("\n== Language check: raw text vs the build's normalised body ==")
    print(f"the build checks: {lang['build_uses']}")
    print(
        f"bodies the normalisation changes: {lang['text_changed']} "
        f"({', '.join(f'{k} {v}' for k, v in lang['text_changed_by_label'].items())})"
    )
    print(f"items whose detected language changes: {lang['detection_changed']}")
    print(
        "items whose check result changes: "
        + ", ".join(f"{k} {v}" for k, v in lang["check_changed"].items())
    )
    print("raw texts with Arabic ي/ى/ك, by true language: detected (raw) as")
    for t, g in lang["arabic_yeh_kaf"].items():
        print(
            f"    {t:<4} {g['items']:>5} items: "
            + ", ".join(f"{k} {v}" for k, v in sorted(g["detected"].items(), key=lambda kv: -kv[1]))
        )
    for form in ("raw", "normalised"):
        matrix = lang[f"confusion_{form}"]
        print(f"\nconfusion ({form}): true language x detected")
        print("    " + " " * 9 + "".join(f"{d:>7}" for d in DETECTED) + "   rejected")
        for t in ("fa", "fin", "ar", "en"):
            row = matrix.get(t, {})
            n = sum(row.values())
            # with accept = ["fa"], everything detected as another language is rejected
            print(
                f"    {t:<9}"
                + "".join(f"{row.get(d, 0):>7}" for d in DETECTED)
                + f"   {pct(ratio(n - row.get('fa', 0), n))}"
            )
    for key, o in lang.items():
        if key.endswith((" on raw", " on normalised")):
            print(
                f"{key}: precision {pct(o['precision'])}  recall {pct(o['recall'])}  "
                f"false-flag rate {pct(o['false_flag_rate'])}"
            )

    rel = out["relevance"]
    print("\n== dev_relevance.csv (comment = claim, article = headline) ==")
    for label, p in rel["per_label"].items():
        print(
            f"    {label:<10} n {p['n']}: held {p['held']} ({pct(p['held_rate']).strip()}), "
            f"rejected {p['rejected']} ({pct(p['rejected_rate']).strip()}), "
            f"published {p['published']}; under min_words (never judged) "
            f"{p['too_short_to_judge']}"
        )
        print(
            "               "
            + ", ".join(
                f"{k} {v}" for k, v in sorted(p["decided_by"].items(), key=lambda kv: -kv[1])
            )
        )
    for name, o in rel["checks"].items():
        print(
            f"{name} vs off_topic: precision {pct(o['precision'])}  recall {pct(o['recall'])}  "
            f"false-flag rate (on-topic flagged) {pct(o['false_flag_rate'])}   "
            f"(tp {o['tp']}, fp {o['fp']}, fn {o['fn']}, tn {o['tn']})"
        )

    if out["errors"]:
        print("\n== Errors ==")
        for name, errs in out["errors"].items():
            print(f"\n{name}:")
            for e in errs:
                why = f"  [{e['why']}]" if e.get("why") else ""
                print(f"  {e['kind']:<10} {e['id']} {e['label']}{why}")
                print(f"      {e['text']}")
                if "article" in e:
                    print(f"      article: {e['article']}")
    print(f"\n{out['seconds']} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "data",
        nargs="?",
        default=str(DEFAULT_DATA),
        help="the moderation-eval folder (default: ../shared/moderation-eval "
        "from the project root)",
    )
    parser.add_argument("--rules", help="another rules file (default: COMMENTS['rules'])")
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print up to N misclassified items per check",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="leave out persian-text-guard's own filter (most of the run time)",
    )
    args = parser.parse_args(argv)
    rules = Path(args.rules).resolve() if args.rules else None
    out = evaluate(Path(args.data), rules, args.show_errors, not args.no_baseline)
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
    else:
        print_report(out)


if __name__ == "__main__":
    main()
