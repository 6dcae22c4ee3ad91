// The teacher's view of the class (app/rooms/roster.py on the server). A learner's page in a
// room reports what it is at a few times a second, and only when that changed: the tour
// step, and once the learner tries it on their own, their own loss/accuracy and a small
// picture of their main drawing. A teacher's page shows everyone in a dialog, with
// "spotlight" (one learner's network shown to the whole room) and "send everyone this example",
// and passes the same on to the class page in a window of its own (core/classpage.js) over a
// BroadcastChannel of this browser: the teacher's session is what proves the room is theirs.
import { $, appPath } from "./dom.js";
import { num, percent } from "./format.js";
import { t } from "./i18n.js";
import { thumbnail } from "./picture.js";
import { pageSession, toast } from "./session.js";

const REPORT_MS = 400; // a few times a second at most
const REPORT_AT_LEAST_MS = 4000; // the roster forgets a learner not heard of for 15 s
// Between the teacher's tab and the class page (core/classpage.js): messages name the room.
export const CLASS_CHANNEL = "np-class";
// The teacher's tab says it is there this often; the class page waits for it once it has
// been silent for CLASS_SILENT_MS (over a minute: a background tab's timers may run only
// once a minute, while its roster messages still come as they arrive).
export const CLASS_BEAT_MS = 5000;
export const CLASS_SILENT_MS = 75000;

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
  // A lab page: it may teach a room (the class page makes its own roster).
  const roster = $("roster") && document.body.dataset.lab ? teacherRoster() : null;
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
    else if (msg.type === "roster") roster?.relay(msg);
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

// The dialog of a teaching lab page, and the relay to its class page: the page's session
// sends what either asks for.
function teacherRoster() {
  const send = (msg) => pageSession()?.send(msg);
  const roster = createRoster({ send, lab: document.body.dataset.lab });
  const presets = $("preset"); // the page's own examples, to send to everyone
  roster.configure({
    presets: [...(presets?.options ?? [])]
      .filter((o) => o.value)
      .map((o) => ({ value: o.value, label: o.textContent })),
  });
  $("room-roster")?.addEventListener("click", () => $("roster").showModal());
  $("roster-window").addEventListener("click", (e) => {
    // A window of its own (to drag onto the laptop's screen), not a tab behind the lesson.
    const opened = window.open(e.currentTarget.href, "np-class", "popup,width=1280,height=800");
    if (opened) e.preventDefault();
  });

  const channel = "BroadcastChannel" in window ? new BroadcastChannel(CLASS_CHANNEL) : null;
  const instance = Math.random().toString(36).slice(2); // this page load (a reload is another)
  let teaching = null; // the room's code while this tab teaches it
  const post = (msg) => {
    if (teaching) channel?.postMessage({ ...msg, from: "teacher", code: teaching, instance });
  };
  const announce = () => post({
    type: "teacher", lab: roster.lab, presets: roster.presets, learners: roster.lines(),
  });
  document.addEventListener("np:room", (e) => {
    const msg = e.detail;
    if (msg.role === "teacher") {
      teaching = msg.code;
      $("roster-window").href = `${appPath("/room/class")}?code=${encodeURIComponent(msg.code)}`;
      announce();
    } else {
      post({ type: "bye" });
      teaching = null;
    }
  });
  addEventListener("pagehide", () => post({ type: "bye" }));
  addEventListener("pageshow", (e) => e.persisted && announce()); // back from the cache
  setInterval(() => post({ type: "beat" }), CLASS_BEAT_MS); // a tab that died says no bye
  channel?.addEventListener("message", (e) => {
    const msg = e.data;
    if (!teaching || msg?.code !== teaching || msg.from !== "class") return; // not for us
    if (msg.type === "hello") announce();
    else if (msg.type === "spotlight") send({ type: "spotlight", learner: msg.learner });
    else if (msg.type === "room_preset") send({ type: "room_preset", name: msg.name });
  });
  return {
    relay(msg) {
      roster.update(msg);
      post({ type: "roster", learners: msg.learners, gone: msg.gone });
    },
  };
}

// The roster's cards; `send` carries a spotlight or a preset to the teacher's session, `lab`
// is the teacher's lesson (only a learner on it can be spotlighted).
export function createRoster({ send, lab = null }) {
  const list = $("roster-list");
  const cards = new Map(); // learner id -> {item, line}
  const choice = $("roster-preset");
  const state = { lab, presets: [] };

  $("roster-send-preset").addEventListener("click", () => {
    if (!choice.value) return;
    send({ type: "room_preset", name: choice.value });
    toast(t("roster.sent", { name: choice.selectedOptions[0].textContent }));
  });

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
      send({ type: "spotlight", learner: now.id });
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
    spotlight.disabled = !line.forked || line.lab !== state.lab;
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

  return {
    update,
    get lab() { return state.lab; },
    get presets() { return state.presets; },
    lines: () => [...cards.values()].map((c) => c.line),
    clear: () => update({ learners: [], gone: [...cards.keys()] }),
    // The teacher's lesson and its examples (the class page learns them from the teacher's tab).
    configure({ lab: lesson = state.lab, presets = state.presets }) {
      state.lab = lesson;
      state.presets = presets;
      choice.replaceChildren(...presets.map(({ value, label }) => new Option(label, value)));
      $("roster-preset-row").hidden = !presets.length;
      for (const { item, line } of cards.values()) fill(item, line);
    },
  };
}
