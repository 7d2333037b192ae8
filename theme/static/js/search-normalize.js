/* The search normaliser, the browser half of chapar/search/normalize.py.
   Both run the examples in tests/data/search_normalize_examples.json. */
(function (root) {
  "use strict";
  var MAP = {
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک",
    "ة": "ه", "ۀ": "ه", "ہ": "ه", "ھ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و"
  };
  var DIGITS = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩";
  var DROP = /[\u0640\u064b-\u065f\u0670\u200b-\u200f\ufeff]/g;

  function normalizeForSearch(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      var d = DIGITS.indexOf(ch);
      out += d >= 0 ? String(d % 10) : (MAP[ch] || ch);
    }
    return out.replace(DROP, "").replace(/\s+/g, " ").trim().toLowerCase();
  }

  function toPersianDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  }

  var api = { normalizeForSearch: normalizeForSearch, toPersianDigits: toPersianDigits };
  if (typeof module === "object" && module.exports) { module.exports = api; }
  else { root.ChaparSearch = api; }
})(this);
