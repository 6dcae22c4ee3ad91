// Names and labels shared by the convolution page's views.
import { fmt } from "../../core/format.js";
import { t } from "../../core/i18n.js";

export const CHANNELS = ["red", "green", "blue"];

export const channelName = (frame, c) =>
  frame.channels === 1 ? t("conv.channel.gray") : t(`conv.channel.${CHANNELS[c]}`);

// A grid's cell labels for screen readers: "<name>, row r, column c: value".
export function mapLabel(name) {
  return (r, c, v) => t("conv.map_cell_aria", { name, row: r + 1, col: c + 1, value: fmt(v) });
}

// A written-out formula inside prose (translate="no": not prose).
export function formulaSpan(text) {
  const span = document.createElement("span");
  span.setAttribute("translate", "no");
  span.textContent = text;
  return span;
}
