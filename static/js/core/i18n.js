// Every string on a page comes from the catalogs (app/i18n/{ko,en}/*.json), embedded by the
// page template as #np-catalog.
import { $ } from "./dom.js";
import { fmt } from "./format.js";

let catalog = null;

// The catalog's text for `key` with {name} placeholders filled (numbers formatted); the key
// itself when the catalog has no such text.
export function t(key, values) {
  if (catalog === null) {
    const el = $("np-catalog");
    catalog = el ? JSON.parse(el.textContent) : {};
  }
  let text = catalog[key] ?? key;
  for (const [name, value] of Object.entries(values || {})) {
    text = text.replaceAll(`{${name}}`, typeof value === "number" ? fmt(value) : value);
  }
  return text;
}

// The book's own Korean words quoted on a page in another language: each run of Hangul
// becomes <span lang="ko" translate="no">, so a screen reader reads it in Korean and a
// translation tool leaves it alone. For texts that quote the book (notes on its terms).
const HANGUL_RUN = /[\uac00-\ud7a3]+(?:[\s\u00b7]+[\uac00-\ud7a3]+)*/g;
export function quotedText(el, text) {
  if (document.documentElement.lang === "ko") {
    el.textContent = text;
    return;
  }
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(HANGUL_RUN)) {
    const span = document.createElement("span");
    span.lang = "ko";
    span.setAttribute("translate", "no");
    span.textContent = match[0];
    parts.push(text.slice(last, match.index), span);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  el.replaceChildren(...parts);
}

// Names the engine offers as choices (activations, features), embedded by the page template
// from the engine's own lists (#np-names, app/page_names.py): no script keeps a copy.
let names = null;
export function engineNames() {
  if (names === null) {
    const el = $("np-names");
    names = el ? JSON.parse(el.textContent) : {};
  }
  return names;
}
