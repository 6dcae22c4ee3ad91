// Names and small DOM helpers shared by the recurrent-networks page's views.
import { t } from "../../core/i18n.js";

export const CELLS = ["rnn", "lstm", "gru"];

export const cellName = (cell) => t(`rnn.cell.${cell}`);

// A token of the task's vocabulary: a catalog key when the frame says the vocabulary is
// translated (the words task), else the symbol itself.
export function token(frame, key) {
  if (key === null) return null;
  return frame.translate_vocabulary ? t(key) : key;
}

export function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}
