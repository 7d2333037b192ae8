/* Search page: Pagefind with Persian-normalised queries, Jalali dates,
   Persian digits, filters, ?q= in the address.  No third-party code.
   The index is in shards (plugins/search/shards.py): news by Jalali year,
   newest first, then other pages; each is sorted by date, so asking them in
   order lists news newest first.  Filters match the results' metadata here
   (see plugins/search: Pagefind's own filter index is not reproducible). */
const box = document.getElementById("search");
const { normalizeForSearch, toPersianDigits } = window.ChaparSearch;
const form = box.querySelector(".search__form");
const input = box.querySelector(".search__input");
const clear = box.querySelector(".search__clear");
const status = box.querySelector(".search__status");
const list = box.querySelector(".search__results");
const filterSet = box.querySelector(".search__filters");
const selects = [...box.querySelectorAll("select[data-filter]")];
const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

const PAGE_SIZE = 20;
const SEPARATOR = "|";
const DEBOUNCE_MS = 80;
let shards = [];
let pending = 0;

async function load() {
  const manifest = await (await fetch(box.dataset.manifest)).json();
  if (manifest.indexes.length) {
    // Each shard through its own copy of pagefind.js: instances of one copy
    // share decompression state and break when searched at the same time.
    shards = await Promise.all(manifest.indexes.map(async (name) => {
      const shard = await import(`${box.dataset.pagefind}${name}/pagefind.js`);
      await shard.options({ excerptLength: 24, baseUrl: box.dataset.base });
      return shard;
    }));
    // A shard's first search starts its worker and WebAssembly (~300 ms on a
    // desktop): do it for the newest two now, the others one by one after.
    await Promise.all(shards.slice(0, 2).map(warm));
    shards.slice(2).reduce((previous, shard) => previous.then(() => warm(shard)),
      Promise.resolve());
  }
  const choices = manifest.filters;
  for (const select of selects) {
    const values = choices[select.dataset.filter] || [];
    if (!values.length) { select.closest("label").hidden = true; continue; }
    select.append(new Option(box.dataset.all, ""));
    for (const value of values) select.append(new Option(value, value));
  }
  filterSet.hidden = false;
}

const warm = (shard) => shard.search("\u200b").catch(() => null);

function matches(meta, chosen) {
  return chosen.every(([key, value]) => (meta[key] || "").split(SEPARATOR).includes(value));
}

/* Whether the page holds every word of the query.  A shard in which a word
   does not occur at all answers with the longest start of it that does
   («پی» for «پیشرفت»); one whole index rarely lacks a word, shards often do.
   Pages are indexed folded (plugins/search), so their text compares with the
   folded query once Pagefind's own dropping of the half-space is repeated. */
function holdsEveryWord(content, terms) {
  const text = content.replaceAll("\u200c", "").toLowerCase();
  return terms.every((term) => text.includes(term));
}

/* The first PAGE_SIZE results whose metadata matches the chosen filters,
   loading result data a few at a time. */
async function firstMatching(results, terms, ticket, wanted) {
  const chosen = selects.filter((s) => s.value).map((s) => [s.dataset.filter, s.value]);
  const found = [];
  for (let i = 0; i < results.length && found.length < wanted; i += PAGE_SIZE) {
    const batch = await Promise.all(results.slice(i, i + PAGE_SIZE).map((r) => r.data()));
    if (ticket !== pending) return null;
    found.push(...batch.filter((data) =>
      matches(data.meta, chosen) && holdsEveryWord(data.content, terms)));
  }
  return found.slice(0, wanted);
}

function render(query, results) {
  list.replaceChildren();
  if (!results.length) {
    status.textContent = fill(box.dataset.noResults, { query });
    return;
  }
  status.textContent = fill(box.dataset.count, {
    count: toPersianDigits(results.length), query });
  for (const { url, meta, excerpt } of results) {
    const item = document.createElement("li");
    item.className = "search__result";
    const link = document.createElement("a");
    link.href = url;
    link.textContent = meta.title;
    const heading = document.createElement("h2");
    heading.append(link);
    item.append(heading);
    if (meta.date) {
      const date = document.createElement("p");
      date.className = "search__date";
      date.textContent = meta.date;
      item.append(date);
    }
    const text = document.createElement("p");
    text.className = "search__excerpt";
    // Pagefind's excerpt is escaped text with <mark> around matches.
    text.innerHTML = toPersianDigits(excerpt);
    item.append(text);
    list.append(item);
  }
}

async function run() {
  await ready; // typing may start before the index is loaded
  const query = input.value.trim();
  clear.hidden = !query;
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  for (const select of selects) {
    if (select.value) url.searchParams.set(select.name, select.value);
    else url.searchParams.delete(select.name);
  }
  history.replaceState(null, "", url);
  const ticket = ++pending;
  if (!query) { list.replaceChildren(); status.textContent = ""; return; }
  const term = normalizeForSearch(query);
  for (const shard of shards.slice(0, 2)) shard.preload(term); // fetch while the reader types
  await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
  if (ticket !== pending) return; // a newer query superseded it
  // Shard by shard, newest first, until a page of results: a common word
  // needs only this year's shard, a rare one reads on into the archive.
  const terms = term.replaceAll('"', "").split(" ").filter(Boolean);
  const results = [];
  for (const shard of shards) {
    const search = await shard.search(term, { sort: { date: "desc" } });
    if (ticket !== pending) return;
    const more = await firstMatching(search.results, terms, ticket, PAGE_SIZE - results.length);
    if (more === null) return;
    results.push(...more);
    if (results.length >= PAGE_SIZE) break;
  }
  if (ticket === pending) render(query, results);
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
input.addEventListener("input", run);
for (const select of selects) select.addEventListener("change", run);
clear.addEventListener("click", () => { input.value = ""; input.focus(); run(); });

const ready = load();
await ready;
const params = new URLSearchParams(location.search);
if (params.has("q") && !input.value) input.value = params.get("q");
for (const select of selects) if (params.has(select.name)) select.value = params.get(select.name);
if (input.value) run();
