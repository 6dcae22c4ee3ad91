// The class page (templates/class.html): the teacher's view of the class in a window of its
// own, say on the teacher's laptop while the projector shows the lesson. It holds no session:
// the tab in this browser that teaches the room passes its roster on, and carries out the
// spotlight and the examples sent from here (core/classview.js), so the page shows nothing
// anywhere else. A browser without the room's teacher key is told so at once.
import { CLASS_BEAT_MS, CLASS_CHANNEL, CLASS_SILENT_MS, createRoster } from "./classview.js";
import { $ } from "./dom.js";
import { roomKeyName } from "./room.js";

export function setupClassPage() {
  const page = $("class-page");
  if (!page || !$("roster")) return; // no such room: the server said so
  const code = page.dataset.code;
  const show = (state) => {
    page.dataset.state = state; // refused, waiting (for the teacher's tab) or live
    $("class-refused").hidden = state !== "refused";
    $("class-waiting").hidden = state !== "waiting";
    $("roster").hidden = state === "refused";
  };
  if (!localStorage.getItem(roomKeyName(code)) || !("BroadcastChannel" in window)) {
    show("refused"); // a student, or a stranger: not their room
    return;
  }
  const channel = new BroadcastChannel(CLASS_CHANNEL);
  const post = (msg) => channel.postMessage({ ...msg, from: "class", code });
  const roster = createRoster({ send: post });
  let teacher = null; // the teaching tab's page load we show
  let heard = 0; // when it last spoke
  setInterval(() => {
    if (teacher && Date.now() - heard > CLASS_SILENT_MS) {
      teacher = null; // gone without a word (its tab crashed, the laptop slept)
      show("waiting");
      post({ type: "hello" });
    }
  }, CLASS_BEAT_MS);
  channel.addEventListener("message", (e) => {
    const msg = e.data;
    if (msg?.from !== "teacher" || msg.code !== code) return;
    heard = Date.now();
    if (msg.type === "teacher") {
      if (msg.instance !== teacher) roster.clear(); // another page load: its own roster
      teacher = msg.instance;
      page.dataset.teacher = teacher; // which page load of the teaching tab (tests read it)
      roster.configure({ lab: msg.lab, presets: msg.presets });
      roster.update({ learners: msg.learners, gone: [] });
      show("live");
    } else if (msg.instance !== teacher) {
      post({ type: "hello" }); // a teaching tab we have not heard from: ask for all of it
    } else if (msg.type === "roster") {
      roster.update(msg);
    } else if (msg.type === "bye") {
      teacher = null;
      show("waiting");
    }
  });
  show("waiting");
  post({ type: "hello" });
}
