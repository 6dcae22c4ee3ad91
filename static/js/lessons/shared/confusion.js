// A classifier's confusion matrix and the examples it still gets wrong, from the engine's
// counts: the digits page's (B.6) view of what its CNN mixes up.
import { $ } from "../../core/dom.js";
import { t } from "../../core/i18n.js";
import { drawPixels } from "./generative.js";

// `confusion[r][c]`: how many test examples of class r got answer c. Built once, then only
// written into; shading by each row's share, so a rare class reads as well as a common one.
export function drawConfusion(table, confusion) {
  if (!table.tBodies[0].rows.length) buildConfusion(table, confusion.length);
  confusion.forEach((row, r) => {
    const total = Math.max(1, row.reduce((a, b) => a + b, 0));
    row.forEach((count, c) => {
      const td = table.tBodies[0].rows[r].cells[c + 1];
      td.textContent = count;
      td.style.setProperty("--strength", (count / total).toFixed(3));
      td.classList.toggle("miss", r !== c && count > 0);
    });
  });
}

function buildConfusion(table, classes) {
  const head = document.createElement("tr");
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = t("digits.confusion_corner");
  head.appendChild(corner);
  for (let d = 0; d < classes; d++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = d;
    head.appendChild(th);
  }
  table.tHead.appendChild(head);
  for (let r = 0; r < classes; r++) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = r;
    tr.appendChild(th);
    for (let c = 0; c < classes; c++) {
      const td = document.createElement("td");
      td.dataset.testid = `confusion-${r}-${c}`;
      if (r === c) td.className = "diagonal";
      tr.appendChild(td);
    }
    table.tBodies[0].appendChild(tr);
  }
}

// The misclassified examples as small pictures, "true → answer"; `select(index)` on a click.
export function drawWrong(box, frame, select) {
  $("wrong-count").textContent = t("digits.wrong_count", {
    count: frame.wrong_count, n: frame.n_test, shown: frame.wrong.length,
  });
  while (box.children.length > frame.wrong.length) box.lastChild.remove();
  frame.wrong.forEach((digit, i) => {
    let item = box.children[i];
    if (!item) {
      item = document.createElement("button");
      item.type = "button";
      item.className = "wrong-digit";
      item.dataset.testid = `wrong-${i}`;
      const canvas = document.createElement("canvas");
      canvas.className = "pixels";
      const caption = document.createElement("span");
      item.append(canvas, caption);
      item.addEventListener("click", () => select(+item.dataset.index));
      box.appendChild(item);
    }
    item.dataset.index = digit.index;
    drawPixels(item.firstChild, digit.pixels.map((v) => v / frame.max_ink), frame.side);
    item.lastChild.textContent = t("digits.wrong_item", { label: digit.label, predicted: digit.predicted });
    item.setAttribute("aria-label", t("digits.wrong_aria", { label: digit.label, predicted: digit.predicted }));
  });
}
