// One way to write numbers on every page. Pages never compute the numbers they show: they
// format what the engine sent.

const locale = document.documentElement.lang === "ko" ? "ko-KR" : "en-US";
const formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });

// One format for every number on every page; negatives use a true minus sign.
export function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const text = formatter.format(x);
  // -0, and tiny negatives that round to it, are written 0.
  return text === "-0" ? "0" : text.replace("-", "−");
}

// A factor inside a written-out product: negatives in parentheses, as the book writes them.
export function factor(x) {
  return x < 0 ? `(${fmt(x)})` : fmt(x);
}

// Like fmt, but small numbers keep 3 significant digits instead of rounding to 0: learning
// rates (0.0125) and gradients must not read as zero when they are not.
const small = new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 });
export function num(x) {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 0.1) return fmt(x);
  return small.format(x).replace("-", "−");
}
export function numFactor(x) {
  return x < 0 ? `(${num(x)})` : num(x);
}

// Percentages (accuracies, probabilities): 93.9 %.
export const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });

// Written-out arithmetic: one <p class="formula-line"> per line, replacing the box's content.
export function writeLines(box, lines) {
  box.replaceChildren();
  for (const text of lines) {
    const p = document.createElement("p");
    p.className = "formula-line";
    p.textContent = text;
    box.appendChild(p);
  }
}
