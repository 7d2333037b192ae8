#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of the
# home and article pages, built from the project's content and served on
# 127.0.0.1.  A measurement, not a test.  Lighthouse is installed on first
# run into bench/.lighthouse/ (gitignored), pinned to 12.2.3 (13 needs Node 22).
#
#   bash bench/lighthouse.sh                 # builds into a temp folder
#   bash bench/lighthouse.sh path/to/output  # scores an existing build
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$ROOT/bench/.lighthouse"
LH="$PREFIX/node_modules/.bin/lighthouse"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

if [ ! -x "$LH" ]; then
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error -E lighthouse@12.2.3 >/dev/null
fi

WORK="$(mktemp -d)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
SITE="${1:-}"
if [ -z "$SITE" ]; then
  SITE="$WORK/output"
  (cd "$ROOT" && "$PY" -c "from chapar.build import runner; runner.build('pelicanconf.py', output='$SITE')" >/dev/null 2>&1)
fi

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" >/dev/null 2>&1 &
SERVER_PID=$!
sleep 1

ARTICLE="$(cd "$SITE" && ls -d news/*/ | head -n 1)"
printf '%-10s %12s %14s %15s %6s\n' page performance accessibility best-practices seo
for name in home article; do
  path=""; [ "$name" = article ] && path="$ARTICLE"
  "$LH" "http://127.0.0.1:$PORT/$path" --quiet --output=json --output-path="$WORK/$name.json" \
    --chrome-flags="--headless=new --no-sandbox" --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>&1
  "$PY" - "$WORK/$name.json" "$name" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
c = report["categories"]
score = lambda k: round((c[k]["score"] or 0) * 100)
print(f"{sys.argv[2]:<10} {score('performance'):>12} {score('accessibility'):>14} {score('best-practices'):>15} {score('seo'):>6}")
for key, cat in c.items():
    for ref in cat["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {key}: {ref['id']} ({audit['score']})")
PYEOF
done
