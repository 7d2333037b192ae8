// Runs tests/data/moderation_examples.json through theme/static/js/comments.js
// and prints the answers as JSON; tests/test_comments_moderation.py compares
// them with the Python engine's.
// Usage: node moderation_examples.js rules.json examples.json folding.json

const fs = require("node:fs");
const path = require("node:path");
const comments = require(path.join(__dirname, "..", "..", "theme", "static", "js", "comments.js"));

const rules = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const examples = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const folding = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const engine = comments.engine(rules, folding);
const byCheck = (check) => rules.rules.find((r) => r.check === check);
const text = (e) => (e.repeat ? e.text.repeat(e.repeat) : e.text);

const out = {
  fold: examples.fold.map((e) => engine.fold(text(e))),
  tokens: examples.lexicon.map((e) => engine.tokens(text(e))),
  lexicon: examples.lexicon.map((e) =>
    engine.checkRule(byCheck("lexicon"), text(e), engine.tokens(text(e))),
  ),
  length: examples.length.map((e) =>
    engine.checkRule(byCheck("length"), text(e), engine.tokens(text(e))),
  ),
  language: examples.language.map((e) => engine.detectLanguage(text(e))),
  check: [...examples.lexicon, ...examples.language, ...examples.length].map((e) => {
    const failed = engine.check(text(e));
    return failed ? failed.id : null;
  }),
};
process.stdout.write(JSON.stringify(out));
