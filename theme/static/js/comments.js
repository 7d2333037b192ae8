/* Chapar comments: the reply button and the checks made before sending.
 *
 * The checks (CHECKS: language, length, lexicon) are a port of
 * chapar/moderation/checks.py driven by the tables the build exports to
 * comments/rules.json, and the text is folded by the "moderation" profile of
 * chapar/persian/folding.py from folding.json, the tables the build writes
 * beside this script (search-normalize.js reads the same file), so the two
 * cannot drift apart:
 * tests/data/moderation_examples.json runs through both.  The build decides;
 * this only spares a reader a comment that would not be published.
 */
((root, factory) => {
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.ChaparComments = api;
    if (root.document) {
      if (root.document.readyState === "loading") {
        root.document.addEventListener("DOMContentLoaded", () => {
          api.init(root.document);
        });
      } else {
        api.init(root.document);
      }
    }
  }
})(this, () => {
  var REPEATS = /(.)\1+/gu;
  // folding.json sits beside this script (plugins/chapar_persian writes it)
  var SCRIPT = typeof document === "object" && document.currentScript;
  var FOLDING = SCRIPT ? new URL("folding.json", SCRIPT.src).href : "";

  function escapeChar(c) {
    return `\\u{${c.codePointAt(0).toString(16)}}`;
  }

  function countMatches(re, text) {
    var found = text.match(re);
    return found ? found.length : 0;
  }

  /* An engine over the exported tables (rules.json's ``data``, folding.json's
     ``folding``): the same answers as chapar.moderation. */
  function engine(data, folding) {
    var norm = data.normalize;
    var lang = data.language;
    var foldMap = folding.profiles.moderation.table;
    var foldRe = new RegExp(`[${Object.keys(foldMap).map(escapeChar).join("")}]`, "gu");
    var tokenRe = new RegExp(norm.token, "gu");
    var arabicRe = new RegExp(norm.arabic_letter, "gu");
    var urlRe = new RegExp(norm.url, "giu");
    var sets = {};
    [
      "fa_words",
      "ar_words",
      "ar_shared_words",
      "neutral_words",
      "fa_al_words",
      "en_words",
      "finglish_words",
    ].forEach((k) => {
      sets[k] = new Set(lang[k]);
    });

    function translate(text) {
      return text.replace(foldRe, (c) => foldMap[c]);
    }
    function collapse(text) {
      return text.replace(REPEATS, "$1");
    }
    function fold(text) {
      return collapse(translate(text.normalize("NFKC").toLowerCase()));
    }
    function tokens(text) {
      return fold(text).match(tokenRe) || [];
    }
    function count(chars, text) {
      var n = 0;
      for (var c of text) {
        if (chars.indexOf(c) >= 0) n += 1;
      }
      return n;
    }

    // folded but for the letters that tell an Arabic keyboard (ي ى ك ة)
    var keepMap = {};
    var toPersian = {};
    Object.keys(foldMap).forEach((c) => {
      if (lang.arabic_keyboard.indexOf(c) < 0) keepMap[c] = foldMap[c];
      else toPersian[c] = foldMap[c];
    });
    var keepRe = new RegExp(`[${Object.keys(keepMap).map(escapeChar).join("")}]`, "gu");
    var toPersianRe = new RegExp(`[${Object.keys(toPersian).map(escapeChar).join("")}]`, "gu");
    var tagRe = new RegExp(lang.tag, "gu");
    var letterRe = new RegExp(`${norm.arabic_letter}|[a-z]`, "u");

    function anyOf(chars, word) {
      for (var c of word) {
        if (chars.indexOf(c) >= 0) return true;
      }
      return false;
    }

    function detectLanguage(raw) {
      var text = raw.normalize("NFKC").toLowerCase().replace(urlRe, " ");
      if (text.indexOf("#") >= 0 || text.indexOf("@") >= 0) {
        var untagged = text.replace(tagRe, " ");
        if (letterRe.test(untagged)) text = untagged;
      }
      var typed = text.replace(keepRe, (c) => keepMap[c]).match(tokenRe) || [];
      var arabic = countMatches(arabicRe, text);
      var latin = countMatches(/[a-z]/g, text);
      if (!arabic && !latin) return "none";
      if (latin > arabic) {
        var en = 0,
          fin = 0;
        typed.forEach((w) => {
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, as in checks.py
          if (!/^[\x00-\x7f]+$/.test(w) || /^[0-9]+$/.test(w)) return;
          if (sets.en_words.has(w)) en += 2;
          if (sets.finglish_words.has(w)) fin += 2;
          lang.finglish_digraphs.forEach((d) => {
            if (w.indexOf(d) >= 0) fin += 1;
          });
        });
        return fin > en ? "fin" : "en";
      }
      var fa = lang.persian_letter_weight * count(lang.persian_letters, text);
      var ar = count(lang.arabic_marks, text);
      var keyboard = 0;
      typed.forEach((w) => {
        var word = collapse(w.replace(toPersianRe, (c) => toPersian[c]));
        var arabicTyped = anyOf(lang.arabic_keyboard, w);
        if (arabicTyped) keyboard += 1;
        else if (anyOf(lang.persian_keyboard, w)) keyboard -= 1;
        if (sets.neutral_words.has(word)) return;
        if (sets.fa_words.has(word)) fa += 2;
        else if (sets.ar_words.has(word) || (arabicTyped && sets.ar_shared_words.has(word))) {
          ar += 2;
        } else if (
          word.startsWith("ال") &&
          word.length > 3 &&
          !sets.fa_al_words.has(word) &&
          !sets.ar_shared_words.has(word)
        ) {
          ar += 1;
        }
      });
      ar += lang.keyboard_weight * keyboard;
      if (ar !== fa) return ar > fa ? "ar" : "fa";
      return keyboard > 0 ? "ar" : "fa";
    }

    /* The lexicon: a port of chapar/moderation/lexicon.py's Lexicon.find. */
    var lex = data.lexicon;
    var LONG_RUNS = /(.)\1{2,}/gu;
    var endings = new Set(lex.persian_suffixes.filter((s) => s.length > 1));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, as in checks.py
    var ASCII = /^[\x00-\x7f]*$/;

    function lexiconForm(word) {
      return ASCII.test(word) ? collapse(word) : word.replace(LONG_RUNS, "$1");
    }
    function strip(word, suffixes, inner, depth, out) {
      out.push(word);
      if (depth) {
        suffixes.forEach((s) => {
          if (word.endsWith(s) && word.length - s.length >= lex.stem_min) {
            strip(word.slice(0, -s.length), inner, inner, depth - 1, out);
          }
        });
      }
      return out;
    }
    function wordForms(word) {
      if (ASCII.test(word)) {
        return unique(strip(word, lex.latin_suffixes, lex.latin_inner_suffixes, lex.max_stack, []));
      }
      var forms = strip(word, lex.persian_suffixes, lex.inner_suffixes, lex.max_stack, []);
      for (var k = 0; k < lex.verb_prefixes.length; k++) {
        var prefix = lex.verb_prefixes[k];
        if (word.startsWith(prefix) && word.length - prefix.length > lex.stem_min) {
          strip(
            word.slice(prefix.length),
            lex.persian_suffixes,
            lex.inner_suffixes,
            lex.max_stack,
            forms,
          );
          break;
        }
      }
      return unique(forms);
    }
    function unique(list) {
      return list.filter((x, i) => list.indexOf(x) === i);
    }
    function spacedRuns(words) {
      var out = [];
      var run = "";
      words.forEach((w) => {
        if (Array.from(w).length === 1) {
          run += w;
          return;
        }
        if (run) out.push(run);
        run = "";
        out.push(w);
      });
      if (run) out.push(run);
      return out.map(collapse).join(" ");
    }

    function lexicon(rule) {
      var whole = new Set(rule.whole);
      var allowed = new Set(rule.allowed);
      var phrases = new Set(rule.phrases);
      var prefixes = new Set();
      rule.whole.forEach((t) => {
        for (var k = 1; k < t.length; k++) prefixes.add(t.slice(0, k));
      });
      // a run read across a space starts a phrase, or is a letter spelled out alone
      var phraseHeads = new Set();
      rule.phrases.forEach((t) => {
        for (var k = 1; k <= t.length; k++) phraseHeads.add(t.slice(0, k));
      });
      var maxJoin = lex.max_join;
      function firstTerm(forms) {
        for (var k = 0; k < forms.length; k++) {
          if (whole.has(forms[k])) return forms[k];
        }
        return null;
      }
      return function find(text) {
        // the words as typed, letters folded but not collapsed (Prepared.raw)
        var words = (translate(text.normalize("NFKC").toLowerCase()).match(tokenRe) || []).map(
          lexiconForm,
        );
        var n = words.length;
        for (var i = 0; i < n; i++) {
          var forms = allowed.has(words[i]) ? [] : wordForms(words[i]);
          var term = firstTerm(forms);
          if (term) return term;
          var heads = Array.from(words[i]).length === 1 ? prefixes : phraseHeads;
          var starts = forms.filter((f) => heads.has(f) && prefixes.has(f));
          for (var s = 0; s < starts.length; s++) {
            var joined = starts[s];
            var spaced = Array.from(words[i]).length === 1;
            for (var j = i + 1; j < Math.min(n, i + maxJoin); j++) {
              var next = words[j];
              if (endings.has(next)) continue; // an ending after a ZWNJ
              joined += joined[joined.length - 1] === next[0] ? next.slice(1) : next;
              term = allowed.has(joined) ? null : firstTerm(wordForms(joined));
              if (term && (spaced || phrases.has(term))) return term;
              spaced = spaced && Array.from(next).length === 1;
              if (!prefixes.has(joined)) break;
            }
          }
        }
        if (rule.anywhere.length) {
          var compact = spacedRuns(words);
          for (var k = 0; k < rule.anywhere.length; k++) {
            if (compact.indexOf(rule.anywhere[k]) >= 0) return rule.anywhere[k];
          }
        }
        return null;
      };
    }

    /* The browser checks by the name a rule exports as its "check": each
       makes, from the rule's exported parameters, a test of (text, words). */
    var CHECKS = {
      length: (rule) => (text, words) => {
        var trimmed = text.trim();
        if (!words.length && !trimmed) return "empty";
        if (Array.from(trimmed).length > rule.max) return "long";
        return null;
      },
      lexicon: lexicon,
      language: (rule) => (text) => {
        var found = detectLanguage(text);
        // no words (emoji, punctuation): held for an editor, not refused here
        if (found === "none") return null;
        return rule.accept.indexOf(found) < 0 ? found : null;
      },
    };
    var tests = {};
    data.rules.forEach((rule) => {
      if (Object.hasOwn(CHECKS, rule.check)) {
        tests[rule.id] = CHECKS[rule.check](rule);
      }
    });

    /* null when the text passes the rule, else a short reason. */
    function checkRule(rule, text, words) {
      var test = tests[rule.id];
      return test ? test(text, words) : null;
    }

    /* The first rule the text fails, or null: what the form warns about. */
    function check(text) {
      var words = tokens(text);
      for (var i = 0; i < data.rules.length; i++) {
        var rule = data.rules[i];
        if (checkRule(rule, text, words) !== null) return rule;
      }
      return null;
    }

    return {
      fold: fold,
      tokens: tokens,
      detectLanguage: detectLanguage,
      checkRule: checkRule,
      check: check,
      rules: data.rules,
    };
  }

  /* The form: reply buttons, the honeypot, and the checks before sending. */
  function init(doc) {
    var form = doc.querySelector("form.comment-form");
    if (!form) return;
    var replyTo = form.querySelector("input[name=reply_to]");
    var notice = form.querySelector(".comment-form__replying");
    var noticeName = form.querySelector("[data-reply-name]");
    var status = form.querySelector(".comment-form__status");
    var textarea = form.querySelector("textarea[name=text]");
    var honeypot = form.querySelector(".comment-form__trap input");
    var loaded = null;

    doc.querySelectorAll("[data-reply-to]").forEach((button) => {
      button.addEventListener("click", () => {
        replyTo.value = button.getAttribute("data-reply-to");
        noticeName.textContent = button.getAttribute("data-reply-author");
        notice.hidden = false;
        textarea.focus();
      });
    });
    var cancel = form.querySelector("[data-reply-cancel]");
    if (cancel) {
      cancel.addEventListener("click", () => {
        replyTo.value = "";
        noticeName.textContent = "";
        notice.hidden = true;
      });
    }

    function rules() {
      if (!loaded) {
        loaded = Promise.all(
          [form.getAttribute("data-rules"), FOLDING].map((url) =>
            fetch(url, { credentials: "same-origin" }).then((r) => {
              if (!r.ok) throw new Error(r.status);
              return r.json();
            }),
          ),
        )
          .then((tables) => engine(tables[0], tables[1]))
          .catch(() => null); // the intake service checks again
      }
      return loaded;
    }
    textarea.addEventListener("focus", rules, { once: true });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (honeypot?.value) return; // a bot filled the hidden field
      rules().then((checker) => {
        var failed = checker?.check(textarea.value);
        if (failed) {
          var reason = checker.checkRule(failed, textarea.value, checker.tokens(textarea.value));
          var message = form.getAttribute(
            `data-msg-${failed.check === "length" ? reason : failed.check}`,
          );
          status.textContent = (message || "") + (failed.text ? ` ${failed.text}` : "");
          status.hidden = false;
          textarea.focus();
          return;
        }
        status.textContent = "";
        status.hidden = true;
        form.submit();
      });
    });
  }

  return { engine: engine, init: init };
});
