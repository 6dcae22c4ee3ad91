// Teacher rooms on every page: follow a room by its code (student), or open one from a lab
// page (teacher) and show its code large for the projector. The server does the rest: a
// student's page simply receives the teacher's frames instead of its own. A room is the
// teacher's, not a page's: the tab keeps teaching it on every lesson it opens, and students
// are sent along (core/session.js); the tour step goes with it (core/tour.js).
import { $, appPath } from "./dom.js";
import { t } from "./i18n.js";
import { qrSvg } from "./qr.js";
import { pageSession, toast } from "./session.js";

// The teacher key of a room, kept by the browser that opened it (the class page asks too).
export const roomKeyName = (code) => `np-room-key:${code}`;

export function setupRoom() {
  const root = document.documentElement;
  const bar = $("room-bar");
  const big = $("room-code-big");
  let session = null;
  let role = "none";
  let code = null;
  let asked = null; // what this page last asked for: "fork", "leave" or "close"

  const NAME = "np-learner-name"; // the name typed in a join form, for the teacher's roster
  // A learner who forked is on the room's roster with their own copy; the URL no longer
  // names the room (a reload must show their work), so the tab keeps it for a reload.
  const FORKED = "np-room-forked";
  document.querySelectorAll('form[action$="/room"]').forEach((form) => {
    form.addEventListener("submit", () => {
      const name = form.elements.name?.value.trim().replace(/[<>\u0000-\u001f]/g, "");
      if (name !== undefined) localStorage.setItem(NAME, name.slice(0, 40));
    });
  });
  const teachingName = () => "np-teaching"; // the room this tab teaches, on any lesson
  let tourStep = null; // the teacher's tour step, for the room (core/tour.js says)

  // Teach the room this tab taught (a reload may reach another server) or the URL's
  // `?teach=`, or follow the URL's `?room=`: the server keeps neither across a reconnect.
  function join() {
    session = pageSession();
    if (!session) return;
    const params = new URLSearchParams(location.search);
    const teach = params.get("teach") || sessionStorage.getItem(teachingName());
    const key = teach && localStorage.getItem(roomKeyName(teach.toUpperCase()));
    const name = localStorage.getItem(NAME) || "";
    const forked = sessionStorage.getItem(FORKED);
    if (key) session.send({ type: "teach", code: teach, key });
    else if (params.get("room")) session.send({ type: "follow", code: params.get("room"), name });
    else if (forked) {
      // The room may have ended meanwhile: then the learner simply goes on alone.
      session.request({ type: "rejoin", code: forked, name }, "room")
        .catch(() => sessionStorage.removeItem(FORKED));
    }
  }
  // The first time once the page's start-up state is in place (share.js), then at every
  // reconnect.
  document.addEventListener("np:ready", join);
  document.addEventListener("np:open", (event) => { if (!event.detail.first) join(); });

  document.addEventListener("np:room", (event) => {
    const msg = event.detail;
    const before = role;
    role = msg.role;
    if (msg.role !== "none") code = msg.code;
    if (msg.key) localStorage.setItem(roomKeyName(msg.code), msg.key);
    if (role === "teacher") sessionStorage.setItem(teachingName(), msg.code);
    else sessionStorage.removeItem(teachingName());
    if (msg.member) sessionStorage.setItem(FORKED, msg.code);
    else sessionStorage.removeItem(FORKED);
    root.dataset.room = role;
    bar.hidden = role === "none";
    bar.querySelector("[data-role=student]").hidden = role !== "student";
    bar.querySelector("[data-role=teacher]").hidden = role !== "teacher";
    const openButton = $("room-open");
    if (openButton) openButton.disabled = role !== "none";
    lockControls(role === "student");
    if (role !== "teacher") $("room-reach").hidden = true;
    if (role === "teacher") {
      $("room-bar-text").textContent = t("room.teaching", { code: msg.code });
      if (msg.key) showCode(true); // just opened: put the code on the projector
      session?.send({ type: "room_tour", step: tourStep }); // the room starts at our step
    } else if (role === "student") {
      $("room-bar-text").textContent = t("room.watching", { code: msg.code });
      const moved = sessionStorage.getItem("np-room-moved");
      if (moved) toast(t("room.moved"));
      sessionStorage.removeItem("np-room-moved");
    } else {
      showCode(false);
      if (before === "student" && asked === "fork") toast(t("room.forked"));
      else if (msg.ended && before === "student") toast(t("room.ended", { code: msg.code }));
      else if (msg.ended && before === "teacher" && asked !== "close") {
        toast(t("room.taken_over", { code: msg.code }));
      }
      forgetRoomInUrl();
      asked = null;
    }
  });

  // Students on other servers are out of reach (Redis is away): the teacher should know.
  document.addEventListener("np:message", (event) => {
    const msg = event.detail.msg;
    if (msg.type !== "room_reach") return;
    $("room-reach").hidden = msg.reachable;
    if (msg.reachable) toast(t("room.reachable"));
  });

  document.addEventListener("np:tour", (event) => {
    tourStep = event.detail.step;
    if (role === "teacher") session?.send({ type: "room_tour", step: tourStep });
  });

  // A student's page shows the teacher's screen: its own controls are off while it follows
  // (they would only be refused), and come back as they were on a fork or leaving. Pages
  // enable their controls as frames and statuses come, so this runs after each message.
  const CONTROLS = "main button, main input, main select, main textarea";
  function lockControls(locked) {
    if (locked) {
      document.querySelectorAll(CONTROLS).forEach((el) => {
        if (el.disabled) return;
        el.disabled = true;
        el.dataset.roomLocked = "";
      });
      return;
    }
    document.querySelectorAll("[data-room-locked]").forEach((el) => {
      el.disabled = false;
      delete el.dataset.roomLocked;
    });
  }
  document.addEventListener("np:message", () => {
    if (role !== "student") return;
    lockControls(true);
    requestAnimationFrame(() => role === "student" && lockControls(true));
  });

  // After a fork or leaving, a reload must show the learner's own work, not the room again.
  function forgetRoomInUrl() {
    const url = new URL(location.href);
    if (!url.searchParams.has("room") && !url.searchParams.has("teach")) return;
    url.searchParams.delete("room");
    url.searchParams.delete("teach");
    history.replaceState(history.state, "", url);
  }

  function showCode(visible) {
    big.hidden = !visible;
    $("room-show-code").setAttribute("aria-expanded", String(visible));
    if (!visible) return;
    // The server's choice (app/join.py): never the teacher's loopback address.
    const url = big.dataset.joinUrl || `${location.host}${appPath("/room")}`;
    $("room-code-lead").textContent = t("room.big_lead", { url });
    $("room-code-value").textContent = code;
    // Scanned, the code leads straight into the room (the join form's own URL).
    // join.shown() drops "http://" for the eye; a phone needs it back.
    const href = `${/^https?:\/\//.test(url) ? url : `http://${url}`}?code=${code}`;
    $("room-qr").replaceChildren(qrSvg(href, t("room.qr_label", { url: href })));
    $("room-qr").dataset.href = href;
    $("room-hide-code").focus();
  }

  function send(msg, what) {
    if (!session) return;
    asked = what;
    session.send(msg);
  }

  const openButton = $("room-open");
  if (openButton) {
    openButton.addEventListener("click", () => {
      send({ type: "open_room" }, "open");
      openButton.closest("details").open = false;
    });
  }
  $("room-close").addEventListener("click", () => send({ type: "close_room" }, "close"));
  $("room-fork").addEventListener("click", () => send({ type: "fork" }, "fork"));
  $("room-leave").addEventListener("click", () => send({ type: "unfollow" }, "leave"));
  $("room-show-code").addEventListener("click", () => showCode(big.hidden));
  $("room-hide-code").addEventListener("click", () => {
    showCode(false);
    $("room-show-code").focus();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !big.hidden) showCode(false);
  });
}
