// The teacher's view of the class (app/rooms/roster.py on the server). A learner's page in a
// room reports what it is at a few times a second, and only when that changed: the tour
// step, and once the learner tries it on their own, their own loss/accuracy and a small
// picture of their main drawing. A teacher's page shows everyone in a dialog, with
// "spotlight" (one learner's network shown to the whole room) and "send everyone this example".
import { $ } from "./dom.js";
import { num, percent } from "./format.js";
import { t } from "./i18n.js";
import { thumbnail } from "./picture.js";
import { pageSession, toast } from "./session.js";

const REPORT_MS = 400; // a few times a second at most
const REPORT_AT_LEAST_MS = 4000; // the roster forgets a learner not heard of for 15 s

// The learner's own numbers in a frame, wherever the lesson keeps them (frames differ).
const LOSS_KEYS = ["train_loss", "loss", "mse", "d_loss"];
const ACCURACY_KEYS = ["train_accuracy", "accuracy", "test_accuracy"];
function numbers(frame) {
  const found = {};
  const queue = frame ? [[frame, 0]] : [];
  while (queue.length) {
    const [node, depth] = queue.shift();
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "number" && Number.isFinite(value)) {
        if (LOSS_KEYS.includes(key) && found.loss === undefined) found.loss = value;
        if (ACCURACY_KEYS.includes(key) && found.accuracy === undefined) found.accuracy = value;
      } else if (value && typeof value === "object" && !Array.isArray(value) && depth < 2) {
        queue.push([value, depth + 1]);
      }
    }
  }
  return { loss: found.loss ?? null, accuracy: found.accuracy ?? null };
}

export function setupClassView() {
  const roster = $("roster") ? createRoster() : null; // a lab page: it may teach a room
  let role = "none";
  let member = false; // on a room's roster (from following it until leaving it)
  let step = null;
  let frame = null;

  document.addEventListener("np:room", (e) => {
    const msg = e.detail;
    role = msg.role;
    member = role === "student" || msg.member; // following, or on their own copy
  });
  document.addEventListener("np:tour", (e) => { step = e.detail.step; });
  document.addEventListener("np:message", (e) => {
    const msg = e.detail.msg;
    if (msg.type === "frame") frame = msg;
    else if (msg.type === "room_preset") toast(t("roster.preset_sent", { name: msg.name }));
    else if (msg.type === "roster") roster?.update(msg);
  });

  let sent = "";
  let sentAt = 0;
  let busy = false;
  setInterval(async () => {
    const session = pageSession();
    if (!member || busy || !session?.open) return;
    busy = true;
    try {
      const own = role === "none"; // forked: the numbers and the picture are their own
      const report = { type: "room_report", step, ...(own ? numbers(frame) : {}) };
      if (own) report.thumb = await thumbnail().catch(() => null);
      const text = JSON.stringify(report);
      if (text !== sent || Date.now() - sentAt > REPORT_AT_LEAST_MS) {
        session.send(report);
        [sent, sentAt] = [text, Date.now()];
      }
    } finally {
      busy = false;
    }
  }, REPORT_MS);
}

function createRoster() {
  const dialog = $("roster");
  const list = $("roster-list");
  const cards = new Map(); // learner id -> {item, line}
  const lab = document.body.dataset.lab;

  // The page's own examples (its preset menu), to send to everyone.
  const presets = $("preset");
  const choice = $("roster-preset");
  if (presets) {
    choice.replaceChildren(...[...presets.options].filter((o) => o.value).map((o) => o.cloneNode(true)));
  } else {
    $("roster-preset-row").hidden = true;
  }
  $("roster-send-preset").addEventListener("click", () => {
    if (!choice.value) return;
    pageSession()?.send({ type: "room_preset", name: choice.value });
    toast(t("roster.sent", { name: choice.selectedOptions[0].textContent }));
  });
  $("room-roster")?.addEventListener("click", () => dialog.showModal());

  function card(line) {
    const item = document.createElement("li");
    item.className = "roster-card";
    item.dataset.testid = "roster-learner";
    const picture = document.createElement("img");
    picture.className = "roster-thumb";
    picture.alt = "";
    const name = document.createElement("strong");
    name.className = "roster-name";
    const where = document.createElement("span");
    where.className = "roster-where";
    const readings = document.createElement("span");
    readings.className = "roster-numbers";
    readings.dataset.testid = "roster-numbers";
    const spotlight = document.createElement("button");
    spotlight.type = "button";
    spotlight.dataset.testid = "roster-spotlight";
    spotlight.textContent = t("roster.spotlight");
    spotlight.addEventListener("click", () => {
      const { line: now } = cards.get(item.dataset.learner);
      pageSession()?.send({ type: "spotlight", learner: now.id });
      toast(t("roster.spotlighted", { name: now.name || t("roster.unnamed") }));
    });
    item.append(picture, name, where, readings, spotlight);
    return item;
  }

  function fill(item, line) {
    const [picture, name, where, readings, spotlight] = item.children;
    item.dataset.learner = line.id;
    item.dataset.forked = String(line.forked);
    name.textContent = line.name || t("roster.unnamed");
    const parts = [line.lab];
    if (line.step !== null && line.step !== undefined) parts.push(t("roster.step", { n: line.step + 1 }));
    parts.push(line.forked ? t("roster.own") : t("roster.following"));
    where.textContent = parts.join(" · ");
    const values = [];
    if (line.loss !== null && line.loss !== undefined) values.push(t("roster.loss", { value: num(line.loss) }));
    if (line.accuracy !== null && line.accuracy !== undefined) {
      values.push(t("roster.accuracy", { value: percent.format(line.accuracy) }));
    }
    readings.textContent = values.join(" · ");
    picture.hidden = !line.thumb;
    if (line.thumb && picture.getAttribute("src") !== line.thumb) picture.src = line.thumb;
    spotlight.disabled = !line.forked || line.lab !== lab;
  }

  function update(msg) {
    for (const id of msg.gone) {
      cards.get(id)?.item.remove();
      cards.delete(id);
    }
    for (const line of msg.learners) {
      let entry = cards.get(line.id);
      if (!entry) {
        entry = { item: card(line), line };
        cards.set(line.id, entry);
      }
      entry.line = line;
      fill(entry.item, line);
    }
    const sorted = [...cards.values()].sort((a, b) => a.line.name.localeCompare(b.line.name));
    list.replaceChildren(...sorted.map((c) => c.item));
    $("roster-count").textContent = cards.size
      ? t("roster.count", { n: cards.size }) : t("roster.empty");
  }
  $("roster-count").textContent = t("roster.empty");
  return { update };
}
