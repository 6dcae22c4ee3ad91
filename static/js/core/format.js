// One way to write numbers on every page. Pages never compute the numbers they show: they
// format what the engine sent.

const locale = document.documentElement.lang === "ko" ? "ko-KR" : "en-US";
const formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });

// Beyond these magnitudes a number is written in scientific notation, "3.11 × 10⁻¹⁹": nobody
// reads 20 zeros (a loss of 2.42e-38 on /descent), and a row of digits runs past its panel.
// Between them a number is written out as before ("0.0000252", "813.409", "55.726").
export const TINY = 1e-6;
export const HUGE = 1e6;
const mantissa = new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 });
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const minus = (text) => text.replace("-", "−");

// 3 significant digits times a power of ten; the same in ko and en but for the decimal mark.
export function scientific(x) {
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  let m = x / 10 ** exponent;
  if (Math.abs(Number(m.toPrecision(3))) >= 10) { // 9.996 rounds up to 10.0: 1 × 10^(e+1)
    m /= 10;
    exponent += 1;
  }
  const power = [...String(exponent)].map((c) => SUPERSCRIPT[c]).join("");
  return `${minus(mantissa.format(m))} × 10${power}`;
}

// One format for every number on every page; negatives use a true minus sign.
export function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (Math.abs(x) >= HUGE) return scientific(x);
  const text = formatter.format(x);
  // -0, and tiny negatives that round to it, are written 0.
  return text === "-0" ? "0" : minus(text);
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
  if (Math.abs(x) < TINY) return scientific(x);
  return minus(small.format(x));
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
