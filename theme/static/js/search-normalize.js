/* The search normaliser, the browser half of chapar/search/normalize.py.
   It applies the "search" profile of chapar/persian/folding.py from the
   tables the build exports next to this script (folding.json), so it keeps
   no table of its own.  Both run the examples in
   tests/data/search_normalize_examples.json. */
((root) => {
  var search = null;

  function escapeChar(c) {
    return `\\u{${c.codePointAt(0).toString(16)}}`;
  }

  /* A function folding text by one exported profile, in the order the
     Python Profile applies it. */
  function profile(p) {
    if (p.case && p.case !== "lower") {
      throw new Error(`unsupported case: ${p.case}`);
    }
    var table = p.table;
    var keys = Object.keys(table);
    var changes = keys.length ? new RegExp(`[${keys.map(escapeChar).join("")}]`, "gu") : null;
    var spaces = p.spaces ? new RegExp(p.spaces, "g") : null;
    return (text) => {
      if (p.nfkc) {
        text = text.normalize("NFKC");
      }
      if (changes) {
        text = text.replace(changes, (c) => table[c]);
      }
      if (spaces) {
        text = text.replace(spaces, " ");
      }
      if (p.strip) {
        text = text.trim();
      }
      if (p.case) {
        text = text.toLowerCase();
      }
      if (p.repeats) {
        text = text.replace(/(.)\1+/gu, "$1");
      }
      return text;
    };
  }

  /* Takes the exported tables ({"profiles": {...}}); returns the api. */
  function use(data) {
    search = profile(data.profiles.search);
    return api;
  }

  function normalizeForSearch(text) {
    if (!search) {
      throw new Error("the folding tables (folding.json) are not loaded");
    }
    return search(text);
  }

  function toPersianDigits(text) {
    return String(text).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  }

  var api = {
    normalizeForSearch: normalizeForSearch,
    toPersianDigits: toPersianDigits,
    profile: profile,
    use: use,
  };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    var script = root.document.currentScript;
    api.ready = fetch(new URL("folding.json", script.src))
      .then((response) => {
        if (!response.ok) {
          throw new Error(`folding.json: HTTP ${response.status}`);
        }
        return response.json();
      })
      .then(use);
    root.ChaparSearch = api;
  }
})(this);
