// The guided tour engine, the same for every page. The tour is data (app/labs/<lesson>/tour.py,
// embedded as #np-tour): opening a step sends its lab commands through the page's session
// and points at its elements; ← → (keys.js) and the buttons move between steps. Start it
// with the button, with ?tour=N (from 1) or ?tour=<step key>, or from a shared state.
import { $ } from "./dom.js";
import { t } from "./i18n.js";
import { addKeys } from "./keys.js";
import { bestScroll, revealInPanels } from "./layout.js";
import { pageSession, params } from "./session.js";
import { shareTourStep } from "./share.js";

// The page's tour, or null on a page without one (#np-tour, embedded by the template).
export const tour = $("np-tour") ? createTour() : null;

function createTour() {
  const data = JSON.parse($("np-tour").textContent);
  const panel = $("tour");
  const title = $("tour-title");
  const body = $("tour-body");
  const count = $("tour-count");
  const dots = $("tour-steps");
  const prevButton = $("tour-prev");
  const nextButton = $("tour-next");
  const startButton = $("tour-start");
  const last = data.steps.length - 1;
  let index = -1; // -1: closed

  const text = (step, part) => t(`tour.${data.page}.${step.key}.${part}`);

  data.steps.forEach((step, k) => {
    const item = document.createElement("li");
    const dot = document.createElement("button");
    dot.type = "button";
    dot.className = "tour-dot";
    dot.dataset.testid = `tour-dot-${k}`;
    dot.textContent = String(k + 1);
    dot.setAttribute("aria-label", t("tour.go_to", { n: k + 1, title: text(step, "title") }));
    dot.addEventListener("click", () => show(k, true));
    item.appendChild(dot);
    dots.appendChild(item);
  });

  function show(k, apply) {
    index = Math.max(0, Math.min(last, k));
    const step = data.steps[index];
    panel.hidden = false;
    document.body.classList.add("touring");
    count.textContent = t("tour.count", { n: index + 1, total: data.steps.length });
    title.textContent = text(step, "title");
    quoted = {};
    if (apply) writeBody(); // "…" until the step's commands bring its numbers
    else quote(lastFrame); // the state is already on the page
    dots.querySelectorAll(".tour-dot").forEach((dot, j) => {
      dot.classList.toggle("tour-dot--done", j < index);
      if (j === index) dot.setAttribute("aria-current", "step");
      else dot.removeAttribute("aria-current");
    });
    prevButton.disabled = index === 0;
    nextButton.textContent = index === last ? t("tour.finish") : t("tour.next");
    const session = pageSession();
    if (apply && session) step.commands.forEach((command) => session.send(command));
    settle();
    highlight();
    reserveSpace();
    told(index);
  }

  // A teacher's room mirrors the step (core/room.js sends it); a student's page shows the
  // teacher's step in its own language, and its own buttons stay off while it follows.
  const following = () => document.documentElement.dataset.room === "student";
  function told(step) {
    panel.dataset.mirrored = String(following());
    for (const button of [prevButton, nextButton, ...dots.querySelectorAll("button")]) {
      if (following()) button.disabled = true;
      else if (button !== prevButton) button.disabled = false;
    }
    document.dispatchEvent(new CustomEvent("np:tour", { detail: { step } }));
  }
  document.addEventListener("np:message", (e) => {
    const msg = e.detail.msg;
    if (msg.type !== "room_tour" || !following()) return;
    if (msg.step === null) {
      if (index >= 0) close();
    } else {
      show(msg.step, false); // the teacher's commands made the state the frames bring
    }
  });
  document.addEventListener("np:room", () => {
    if (index >= 0 && !following()) show(index, false); // forked or left: the buttons are ours
  });

  // Numbers that training produced are never written into a step's text: they differ a
  // little from machine to machine. The step's `quotes` name where the frame holds them
  // (app/labs/common/tours.py), and the text is written again whenever a frame brings them.
  let quoted = {};
  let written = null;
  let lastFrame = null;
  function writeBody() {
    const step = data.steps[index];
    const values = {};
    for (const name of Object.keys(step.quotes)) values[name] = quoted[name] ?? "…";
    const wanted = t(`tour.${data.page}.${step.key}.body`, values);
    if (wanted === written) return;
    written = wanted;
    body.replaceChildren(...wanted.split(/\n\s*\n/).map((paragraph) => {
      const p = document.createElement("p");
      p.textContent = paragraph;
      return p;
    }));
  }
  function quote(frame) {
    const step = data.steps[index];
    for (const [name, spec] of Object.entries(step.quotes)) {
      const [path, as] = spec.split("|");
      const value = path.split(".").reduce((part, key) => part?.[key], frame);
      if (typeof value !== "number") continue; // a frame that does not carry it: keep
      quoted[name] = as === "percent" ? Math.round(1000 * value) / 10 : value;
    }
    writeBody();
  }

  function close() {
    index = -1;
    written = null;
    panel.hidden = true;
    document.body.classList.remove("touring");
    highlight();
    if (!following()) startButton?.focus();
    told(null);
  }

  // `data-ready` on the panel says when the step's state is on the page: the server answers
  // in order, so its pong comes after every frame the step's commands caused, and a frame
  // drawn on the next animation frame (pages that batch their drawing) is drawn before ours.
  let pings = 0; // sent and not answered yet: a quick second step waits for its own
  // Once the step's state is drawn, the page scrolls to what the step talks about.
  function settle() {
    panel.dataset.ready = "false";
    const session = pageSession();
    if (!session) {
      requestAnimationFrame(ready);
      return;
    }
    pings += 1;
    session.send({ type: "ping" });
  }
  function ready() {
    if (index < 0) return;
    highlight();
    reveal();
    panel.dataset.ready = "true";
    // A chart that draws later (Plotly loads lazily) changes the page's heights: reveal
    // again while the learner has not scrolled away from where the step put them.
    revealed = scrollY;
    resizes.disconnect();
    resizes.observe($("main"));
    document.querySelectorAll(".tour-highlight").forEach((el) => resizes.observe(el));
  }
  let revealed = null;
  const resizes = new ResizeObserver(() => {
    if (index >= 0 && revealed !== null && Math.abs(scrollY - revealed) < 2) {
      reveal();
      revealed = scrollY;
    }
  });
  addEventListener("scrollend", () => { if (Math.abs(scrollY - (revealed ?? scrollY)) >= 2) revealed = null; });
  document.addEventListener("np:message", (e) => {
    if (e.detail.msg.type !== "pong" || pings === 0) return;
    pings -= 1;
    requestAnimationFrame(() => { if (pings === 0) ready(); });
  });

  // Scroll the window so that as many of the step's highlighted elements as can be are seen
  // (core/layout.js bestScroll) and none of them lies under the panel. The panel is a side
  // column on wide screens and a bar at the bottom elsewhere: the free band is the viewport
  // above the bar.
  function reveal() {
    revealInPanels(document.querySelectorAll(".tour-highlight"));
    const spans = [...document.querySelectorAll(".tour-highlight")]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => ({ top: r.top + scrollY, bottom: r.bottom + scrollY }));
    if (!spans.length) return;
    const bar = panel.getBoundingClientRect();
    const barAtBottom = bar.width > innerWidth / 2; // else a side column: it covers no band
    const far = barAtBottom ? Math.min(innerHeight, bar.top) : innerHeight;
    const maxY = document.documentElement.scrollHeight - innerHeight;
    const best = bestScroll(spans, scrollY, 0, far, maxY);
    if (best !== scrollY) window.scrollTo({ top: best, behavior: "instant" });
  }

  // Minimised, the panel is "Step k of n" and the arrows only.
  const minButton = $("tour-min");
  minButton.addEventListener("click", () => {
    const minimised = minButton.getAttribute("aria-pressed") !== "true";
    minButton.setAttribute("aria-pressed", String(minimised));
    panel.classList.toggle("tour--min", minimised);
    document.body.classList.toggle("tour-minimised", minimised);
  });

  // Point at the step's elements; pages redraw on every frame, so this runs after each.
  function highlight() {
    document.querySelectorAll(".tour-highlight")
      .forEach((el) => el.classList.remove("tour-highlight"));
    if (index < 0) return;
    for (const id of data.steps[index].highlight) {
      document.querySelectorAll(`[data-testid="${CSS.escape(id)}"]`)
        .forEach((el) => el.classList.add("tour-highlight"));
    }
  }
  document.addEventListener("np:message", (e) => {
    if (e.detail.msg.type !== "frame") return;
    lastFrame = e.detail.msg;
    if (index >= 0) quote(lastFrame);
    highlight();
    requestAnimationFrame(highlight); // after pages that draw on the next animation frame
  });

  // The bar floats over the bottom of the page: keep that much room free below the content
  // (as a side column, the panel's width is kept free by the CSS instead).
  function reserveSpace() {
    document.body.style.setProperty("--tour-height", `${panel.offsetHeight}px`);
  }
  new ResizeObserver(reserveSpace).observe(panel);

  const next = () => !following() && (index === last ? close() : show(index + 1, true));
  const prev = () => !following() && index > 0 && show(index - 1, true);

  const isOpen = () => index >= 0;
  // ← → (and a presenter remote's PageUp/PageDown) move through the steps, Esc closes.
  addKeys({
    ArrowRight: () => isOpen() && (next(), true),
    PageDown: () => isOpen() && (next(), true),
    ArrowLeft: () => isOpen() && (prev(), true),
    PageUp: () => isOpen() && (prev(), true),
    Escape: () => isOpen() && (close(), true),
  });

  prevButton.addEventListener("click", prev);
  nextButton.addEventListener("click", next);
  $("tour-close").addEventListener("click", close);
  startButton?.addEventListener("click", () => {
    if (following()) return; // the teacher's tour shows here as the teacher moves
    if (index < 0) show(0, true);
    panel.querySelector("#tour-next").focus();
  });

  function stepFromUrl() {
    const wanted = params.get("tour");
    if (wanted === null) return null;
    if (/^\d+$/.test(wanted)) return Number(wanted) - 1;
    const k = data.steps.findIndex((step) => step.key === wanted);
    return k >= 0 ? k : 0;
  }

  // share.js says when the page's start-up state is in place (a shared state brings its step).
  document.addEventListener("np:ready", (e) => {
    if (e.detail.tour !== null && e.detail.tour !== undefined) show(e.detail.tour, false);
    else if (stepFromUrl() !== null) show(stepFromUrl(), !e.detail.resumed); // resumed: as is
  });

  const current = () => (index >= 0 ? index : null);
  const restore = (k) => show(k, false); // the state is already there (a shared link or file)
  shareTourStep({ current, restore }); // a shared link or file keeps the step
  return { next, prev, close, open: (k = 0) => show(k, true), restore, isOpen, current };
}
