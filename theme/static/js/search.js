/* Search page: Pagefind with Persian-normalised queries, Jalali dates,
   Persian digits, filters, ?q= in the address.  No third-party code.

   The index is in shards (chapar/search/shards.py): news by Jalali year,
   newest first, then other pages (several shards, searched as one group).
   One Pagefind instance merges them all, each shard tagged with its name as
   a synthetic filter, so one group at a time can be asked: every news shard
   is sorted by date, so asking the groups in order lists news newest first.
   Filters match the results' metadata here (see plugins/chapar_search: Pagefind's
   own filter index is not reproducible). */
const box = document.getElementById("search");
const { normalizeForSearch, toPersianDigits } = window.ChaparSearch;
const form = box.querySelector(".search__form");
const input = box.querySelector(".search__input");
const clear = box.querySelector(".search__clear");
const status = box.querySelector(".search__status");
const list = box.querySelector(".search__results");
const filterSet = box.querySelector(".search__filters");
const selects = [...box.querySelectorAll("select[data-filter]")];
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

const PAGE_SIZE = 20;
const SEPARATOR = "|";
const DEBOUNCE_MS = 80;
const SHARD = "shard"; // the synthetic filter naming each result's shard
let pagefind = null;
let groups = []; // {year, shards: [names]}, in search order; year "" if not one
let pending = 0;

async function load() {
  const [manifest] = await Promise.all([
    fetch(box.dataset.manifest).then((response) => response.json()),
    window.ChaparSearch.ready, // the folding tables normalizeForSearch applies
  ]);
  if (manifest.indexes.length) {
    // The first shard carries Pagefind's runtime (its pagefind.js, worker and
    // WebAssembly); the others are merged into the same instance.
    const [first, ...others] = manifest.indexes;
    const options = { excerptLength: 24, baseUrl: box.dataset.base };
    pagefind = await import(`${box.dataset.pagefind}${first.name}/pagefind.js`);
    await pagefind.options({ ...options, mergeFilter: { [SHARD]: first.name } });
    await Promise.all(
      others.map(({ name }) =>
        pagefind.mergeIndex(`${box.dataset.pagefind}${name}/`, {
          ...options,
          mergeFilter: { [SHARD]: name },
        }),
      ),
    );
    const byGroup = new Map();
    for (const { name, group, year } of manifest.indexes) {
      if (!byGroup.has(group)) byGroup.set(group, { year, shards: [] });
      byGroup.get(group).shards.push(name);
    }
    groups = [...byGroup.values()];
  }
  const choices = manifest.filters;
  for (const select of selects) {
    const values = choices[select.dataset.filter] || [];
    if (!values.length) {
      select.closest("label").hidden = true;
      continue;
    }
    select.append(new Option(box.dataset.all, ""));
    for (const value of values) select.append(new Option(value, value));
  }
  filterSet.hidden = false;
}

function matches(meta, chosen) {
  return chosen.every(([key, value]) => (meta[key] || "").split(SEPARATOR).includes(value));
}

/* The first PAGE_SIZE results whose metadata matches the chosen filters,
   loading result data a few at a time. */
async function firstMatching(results, ticket, wanted) {
  const chosen = selects.filter((s) => s.value).map((s) => [s.dataset.filter, s.value]);
  const found = [];
  for (let i = 0; i < results.length && found.length < wanted; i += PAGE_SIZE) {
    const batch = await Promise.all(results.slice(i, i + PAGE_SIZE).map((r) => r.data()));
    if (ticket !== pending) return null;
    found.push(...batch.filter((data) => matches(data.meta, chosen)));
  }
  return found.slice(0, wanted);
}

/* A result's photo, as the news lists show it: the narrowest width, its
   size set so the list does not move while it loads; the title beside it
   says what it shows, so it is decorative (empty alt). */
function thumbnail(meta) {
  const img = document.createElement("img");
  img.className = "search__thumb";
  img.src = new URL(meta.image, new URL(box.dataset.base, document.baseURI)).href;
  img.width = Number(meta.image_width);
  img.height = Number(meta.image_height);
  img.alt = "";
  img.loading = "lazy";
  img.decoding = "async";
  return img;
}

function render(query, results) {
  list.replaceChildren();
  if (!results.length) {
    status.textContent = fill(box.dataset.noResults, { query });
    return;
  }
  status.textContent = fill(box.dataset.count, {
    count: toPersianDigits(results.length),
    query,
  });
  for (const { url, meta, excerpt } of results) {
    const item = document.createElement("li");
    item.className = "search__result";
    const link = document.createElement("a");
    link.href = url;
    link.textContent = meta.title;
    const heading = document.createElement("h2");
    heading.append(link);
    item.append(heading);
    if (meta.image) {
      item.classList.add("search__result--photo");
      item.append(thumbnail(meta));
    }
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

/* A word as Pagefind indexes it, whole and in its parts: no case, marks,
   punctuation or half-space («می‌شود.» → «میشود», «می», «شود»). */
function wordForms(word) {
  const parts = word
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return [parts.join(""), ...parts];
}

/* Whether a result holds every word of the query where Pagefind marked it.
   Pagefind searches for the words its index holds and answers for a missing
   one with the longest indexed word it starts with («13» for «1397»), or
   drops it; one whole index rarely lacks a word, but a shard often does.
   Either way every result of that shard lacks the word: one result tells. */
function holdsEveryWord(data, terms) {
  const words = data.content.split(/\s+/);
  const found = data.locations.flatMap((at) => wordForms(words[at] || ""));
  return terms.every((term) => found.some((word) => word.startsWith(term)));
}

/* How many pages of each shard hold each word of a query of several: a
   shard lacking one is left out without asking it (a search that matches
   no page still counts). */
async function countEveryWord(terms, ticket) {
  let least = null;
  for (const term of terms) {
    const search = await pagefind.search(term, { filters: { [SHARD]: "" } });
    if (ticket !== pending) return null;
    const counts = search.totalFilters[SHARD] || {};
    least = least || counts;
    for (const name of Object.keys(least)) least[name] = Math.min(least[name], counts[name] || 0);
  }
  return least;
}

/* Group by group, newest first, until a page of results: a common word needs
   only this year's shard, a rare one reads on into the archive.  Shards
   without a match (counted by the first answer, or word by word) are not
   asked, shards lacking a word of the query are left out; a group's shards
   are ranked together as Pagefind ranks merged indexes, by score. */
async function searchShards(term, ticket) {
  const terms = term
    .split(" ")
    .map((word) => wordForms(word)[0])
    .filter(Boolean);
  const year = selects.find((s) => s.dataset.filter === "year")?.value;
  const results = [];
  let counts =
    terms.length > 1 && !term.startsWith('"') ? await countEveryWord(terms, ticket) : null;
  if (ticket !== pending) return null;
  for (const group of groups) {
    if (year && group.year !== year) continue; // every page of the group has another year
    const found = [];
    for (const name of group.shards) {
      if (counts && !counts[name]) continue;
      const search = await pagefind.search(term, {
        filters: { [SHARD]: name },
        sort: { date: "desc" },
      });
      if (ticket !== pending) return null;
      counts = counts || search.totalFilters[SHARD] || {};
      if (!search.results.length) continue;
      const first = await search.results[0].data();
      if (ticket !== pending) return null;
      if (holdsEveryWord(first, terms)) found.push(...search.results);
    }
    if (group.shards.length > 1) found.sort((a, b) => b.score - a.score);
    const more = await firstMatching(found, ticket, PAGE_SIZE - results.length);
    if (more === null) return null;
    results.push(...more);
    if (results.length >= PAGE_SIZE) break;
  }
  return results;
}

async function run() {
  await ready; // typing may start before the index is loaded
  const query = input.value.trim();
  clear.hidden = !query;
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  for (const select of selects) {
    if (select.value) url.searchParams.set(select.name, select.value);
    else url.searchParams.delete(select.name);
  }
  history.replaceState(null, "", url);
  const ticket = ++pending;
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const term = normalizeForSearch(query);
  if (!pagefind) {
    render(query, []);
    return;
  }
  pagefind.preload(term); // fetch every shard's chunks while the reader types
  await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
  if (ticket !== pending) return; // a newer query superseded it
  const results = await searchShards(term, ticket);
  if (results === null) return;
  if (ticket === pending) render(query, results);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
input.addEventListener("input", run);
for (const select of selects) select.addEventListener("change", run);
clear.addEventListener("click", () => {
  input.value = "";
  input.focus();
  run();
});

const ready = load();
await ready;
const params = new URLSearchParams(location.search);
if (params.has("q") && !input.value) input.value = params.get("q");
for (const select of selects) if (params.has(select.name)) select.value = params.get(select.name);
if (input.value) run();
