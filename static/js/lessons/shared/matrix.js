// A matrix of numbered cells, and painting on it with a brush: the B.6 pages' grids (the
// 5x5 picture of the conv page, the 8x8 digit of the digits page) and their feature maps.
// The numbers are always written in the cells; shading only repeats them.
import { fmt } from "../../core/format.js";

// --- a matrix of cells. Interactive ones are grids with one tab stop (arrow keys move
// inside); the others are plain tables a screen reader can walk through. ------------------

export class MatrixView {
  constructor(container, { name, size, testid, kind, onFocusCell, onKey }) {
    this.size = size; // [rows, cols]
    const interactive = Boolean(onFocusCell || onKey);
    this.root = document.createElement("div");
    this.root.className = `matrix matrix--${kind}`;
    this.root.setAttribute("role", interactive ? "grid" : "table");
    this.root.setAttribute("aria-label", name);
    this.root.dataset.testid = testid;
    this.root.style.setProperty("--cols", size[1]);
    this.cells = [];
    for (let r = 0; r < size[0]; r++) {
      const row = document.createElement("div");
      row.setAttribute("role", "row");
      row.className = "matrix-row";
      const cells = [];
      for (let c = 0; c < size[1]; c++) {
        const cell = document.createElement("div");
        cell.className = "cell";
        cell.setAttribute("role", interactive ? "gridcell" : "cell");
        if (interactive) cell.tabIndex = r === 0 && c === 0 ? 0 : -1;
        cell.dataset.r = r;
        cell.dataset.c = c;
        cell.dataset.testid = `${testid}-${r}-${c}`;
        const value = document.createElement("span");
        value.className = "cell-value";
        cell.appendChild(value);
        if (onFocusCell) {
          cell.addEventListener("mouseenter", () => onFocusCell(r, c));
          cell.addEventListener("focus", () => onFocusCell(r, c));
        }
        row.appendChild(cell);
        cells.push(cell);
      }
      this.root.appendChild(row);
      this.cells.push(cells);
    }
    this.root.addEventListener("keydown", (e) => {
      const cell = e.target.closest(".cell");
      if (!cell) return;
      const r = +cell.dataset.r, c = +cell.dataset.c;
      const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      if (moves[e.key]) {
        e.preventDefault();
        this.focus(r + moves[e.key][0], c + moves[e.key][1]);
      } else if (onKey) {
        onKey(e, r, c);
      }
    });
    container.appendChild(this.root);
  }

  focus(r, c) {
    r = Math.max(0, Math.min(this.size[0] - 1, r));
    c = Math.max(0, Math.min(this.size[1] - 1, c));
    for (const row of this.cells) for (const cell of row) cell.tabIndex = -1;
    this.cells[r][c].tabIndex = 0;
    this.cells[r][c].focus();
  }

  set(values, label) {
    values.forEach((row, r) => row.forEach((v, c) => {
      const cell = this.cells[r][c];
      cell.firstChild.textContent = fmt(v);
      cell.setAttribute("aria-label", label(r, c, v));
    }));
  }

  // Fill strength shows size and sign; the number is always written (never colour alone).
  shade(values, { levels = false } = {}) {
    const maxAbs = Math.max(1e-9, ...values.flat().map(Math.abs));
    values.forEach((row, r) => row.forEach((v, c) => {
      const cell = this.cells[r][c];
      if (levels) {
        cell.dataset.level = v;
      } else {
        cell.style.setProperty("--strength", (Math.abs(v) / maxAbs).toFixed(3));
        cell.classList.toggle("cell--neg", v < 0);
      }
    }));
  }

  mark(className, predicate) {
    this.cells.forEach((row, r) => row.forEach((cell, c) =>
      cell.classList.toggle(className, !!predicate(r, c))));
  }
}

// --- painting: pointer (mouse, pen, touch) strokes over a MatrixView ---------------------

function cellAt(view, e) {
  const el = document.elementFromPoint(e.clientX, e.clientY);
  const cell = el && el.closest(".cell");
  return cell && view.root.contains(cell) ? [+cell.dataset.r, +cell.dataset.c] : null;
}

// `paint(r, c)` once for every cell a stroke crosses (each cell once per stroke).
export function makePaintable(view, paint) {
  const grid = view.root;
  let seen = null; // the cells of the stroke under way
  const paintAt = ([r, c]) => {
    const key = `${r},${c}`;
    if (seen.has(key)) return;
    seen.add(key);
    paint(r, c);
  };
  grid.addEventListener("pointerdown", (e) => {
    const at = cellAt(view, e);
    if (!at) return;
    e.preventDefault();
    grid.setPointerCapture(e.pointerId);
    seen = new Set();
    paintAt(at);
  });
  grid.addEventListener("pointermove", (e) => {
    if (!seen) return;
    const at = cellAt(view, e);
    if (at) paintAt(at);
  });
  const end = () => { seen = null; };
  grid.addEventListener("pointerup", end);
  grid.addEventListener("pointercancel", end);
}

// The cells painted during one animation frame go out as one message: `send(cells, value,
// group)` (a group is e.g. a colour channel); a new value or group sends what was queued.
export class PaintQueue {
  constructor(send) {
    this.send = send;
    this.pending = null;
  }

  add(group, row, col, value) {
    const p = this.pending;
    if (p && (p.group !== group || p.value !== value)) this.flush();
    if (!this.pending) {
      this.pending = { group, value, cells: new Map() };
      requestAnimationFrame(() => this.flush());
    }
    this.pending.cells.set(`${row},${col}`, [row, col]);
  }

  flush() {
    const p = this.pending;
    this.pending = null;
    if (p && p.cells.size) this.send([...p.cells.values()], p.value, p.group);
  }
}
