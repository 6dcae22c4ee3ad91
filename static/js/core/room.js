// Teacher rooms on every page: follow a room by its code (student), or open one from a lab
// page (teacher) and show its code large for the projector. The server does the rest: a
// student's page simply receives the teacher's frames instead of its own.
import { $, appPath } from "./dom.js";
import { t } from "./i18n.js";
import { pageSession, toast } from "./session.js";

export function setupRoom() {
  const root = document.documentElement;
  const bar = $("room-bar");
  const big = $("room-code-big");
  let session = null;
  let role = "none";
  let code = null;
  let asked = null; // what this page last asked for: "fork", "leave" or "close"

  const keyName = (c) => `np-room-key:${c}`; // the teacher key, kept by the teacher's browser
  const teachingName = () => `np-teaching:${pageSession().lab}`; // the room this tab teaches

  // Teach the room this tab taught (a reload may reach another server) or the URL's
  // `?teach=`, or follow the URL's `?room=`: the server keeps neither across a reconnect.
  function join() {
    session = pageSession();
    if (!session) return;
    const params = new URLSearchParams(location.search);
    const teach = params.get("teach") || sessionStorage.getItem(teachingName());
    const key = teach && localStorage.getItem(keyName(teach.toUpperCase()));
    if (key) session.send({ type: "teach", code: teach, key });
    else if (params.get("room")) session.send({ type: "follow", code: params.get("room") });
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
    if (msg.key) localStorage.setItem(keyName(msg.code), msg.key);
    if (role === "teacher") sessionStorage.setItem(teachingName(), msg.code);
    else sessionStorage.removeItem(teachingName());
    root.dataset.room = role;
    bar.hidden = role === "none";
    bar.querySelector("[data-role=student]").hidden = role !== "student";
    bar.querySelector("[data-role=teacher]").hidden = role !== "teacher";
    const openButton = $("room-open");
    if (openButton) openButton.disabled = role !== "none";
    if (role === "teacher") {
      $("room-bar-text").textContent = t("room.teaching", { code: msg.code });
      if (msg.key) showCode(true); // just opened: put the code on the projector
    } else if (role === "student") {
      $("room-bar-text").textContent = t("room.watching", { code: msg.code });
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
