/* Search page: Pagefind with Persian-normalised queries, Jalali dates,
   Persian digits, filters, ?q= in the address.  No third-party code.
   Filters match the results' metadata here (see plugins/search: Pagefind's
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
const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

const PAGE_SIZE = 20;
const SEPARATOR = "|";
let pagefind;
let pending = 0;

async function load() {
  pagefind = await import(box.dataset.pagefind);
  await pagefind.options({ excerptLength: 24, baseUrl: box.dataset.base });
  const choices = await (await fetch(box.dataset.filters)).json();
  for (const select of selects) {
    const values = choices[select.dataset.filter] || [];
    if (!values.length) { select.closest("label").hidden = true; continue; }
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
async function firstMatching(results, ticket) {
  const chosen = selects.filter((s) => s.value).map((s) => [s.dataset.filter, s.value]);
  const found = [];
  for (let i = 0; i < results.length && found.length < PAGE_SIZE; i += PAGE_SIZE) {
    const batch = await Promise.all(results.slice(i, i + PAGE_SIZE).map((r) => r.data()));
    if (ticket !== pending) return null;
    found.push(...batch.filter((data) => matches(data.meta, chosen)));
  }
  return found.slice(0, PAGE_SIZE);
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
  const search = await pagefind.debouncedSearch(normalizeForSearch(query),
    { sort: { date: "desc" } }, 80);
  if (search === null || ticket !== pending) return; // a newer query superseded it
  const results = await firstMatching(search.results, ticket);
  if (results !== null && ticket === pending) render(query, results);
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
