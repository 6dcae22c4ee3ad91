// Sharing and export, the same for every lab page:
// - the whole state (the lab's `get_state`: network, weights, data, settings; plus the tour
//   step) as a link, `#s=` + base64url(deflate-raw(JSON)), restored with `set_state` on load;
// - the same state as a JSON file to download and open again;
// - pictures of the figures marked [data-export]: SVG drawn through a canvas, Plotly by itself;
// - the network's weights as JSON or NumPy .npz (POST /export/<lab>/weights.<fmt>);
// - the network as code: a PyTorch or Keras script or a Jupyter notebook, explained in the
//   page's language (POST /export/<lab>/{pytorch.py,keras.py,notebook.ipynb}?lang=).
// It also sets up a page's start: a shared link, else ?preset=NAME; then "np:ready".
import { compress, decompress } from "./compression.js";
import { $, appPath } from "./dom.js";
import { t } from "./i18n.js";
import { svgCanvas } from "./picture.js";
import { loadPlotly } from "./plotly.js";
import {
  base64Bytes, download, errorText, pageSession, params, toast,
} from "./session.js";

// The tour's step travels with the state: tour.js, on a page with a tour, says where it is.
let tourStep = { current: () => null, restore: () => {} };
export function shareTourStep(step) {
  tourStep = step;
}

// Only lab pages share (and have the dialog): null elsewhere.
export const share = document.body.dataset.lab ? createShare() : null;

function createShare() {
  const lab = document.body.dataset.lab;
  const FORMAT = 1; // bump when the shared object changes shape
  const dialog = $("share");
  const linkField = $("share-link");
  const upload = $("state-upload");

  // A failed export says why (a translated server error, or a general sentence).
  const guarded = (action) => async () => {
    try {
      await action();
    } catch (error) {
      toast(error && error.code ? errorText(error) : t("share.failed"));
    }
  };

  // --- encoding ---------------------------------------------------------------------------

  function toBase64url(bytes) {
    let binary = "";
    for (let k = 0; k < bytes.length; k += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
    }
    return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  }
  function fromBase64url(text) {
    return base64Bytes(text.replaceAll("-", "+").replaceAll("_", "/"));
  }
  async function pack(shared) {
    const json = new TextEncoder().encode(JSON.stringify(shared));
    return toBase64url(await compress(json, "deflate-raw"));
  }
  async function unpack(text) {
    const inflated = await decompress(fromBase64url(text), "deflate-raw");
    return JSON.parse(new TextDecoder().decode(inflated));
  }

  // --- the page's state -------------------------------------------------------------------

  async function capture() {
    const answer = await pageSession().request({ type: "get_state" }, "state");
    return { format: FORMAT, lab, state: answer.state, tour: tourStep.current() };
  }

  // The server validates the state itself (`bad_state` comes back as a translated error).
  function apply(shared) {
    if (!shared || shared.lab !== lab || typeof shared.state !== "object" || !shared.state) {
      throw new Error("not a state of this page");
    }
    pageSession().send({ type: "set_state", state: shared.state });
    return Number.isInteger(shared.tour) ? shared.tour : null;
  }

  async function link(shared) {
    const url = new URL(location.href);
    // The state says it all; and the recipient reads in their own language.
    for (const name of ["preset", "tour", "lang"]) url.searchParams.delete(name);
    url.hash = `s=${await pack(shared)}`;
    return url.href;
  }

  async function sharedFromHash() {
    const match = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
    return match ? unpack(match[1]) : null;
  }

  // Only on the first connection: a reconnect must not throw away what the learner did since.
  document.addEventListener("np:open", async (e) => {
    if (!e.detail.first) return;
    if (e.detail.resumed || e.detail.restored) { // the tab's work is back: leave it as it is
      document.dispatchEvent(new CustomEvent("np:ready", { detail: { tour: null, resumed: true } }));
      return;
    }
    let step = null; // the tour's, when the shared state has one
    try {
      const shared = await sharedFromHash();
      if (shared) step = apply(shared);
      else if (params.get("preset")) {
        e.detail.session.send({ type: "load_preset", name: params.get("preset") });
      }
    } catch {
      toast(t("share.bad_link"));
    }
    document.dispatchEvent(new CustomEvent("np:ready", { detail: { tour: step } }));
  });

  // A link pasted into the address bar of an open page changes only the hash: restore it too.
  window.addEventListener("hashchange", async () => {
    try {
      const shared = await sharedFromHash();
      if (!shared) return;
      const step = apply(shared);
      if (step !== null) tourStep.restore(step);
    } catch {
      toast(t("share.bad_link"));
    }
  });

  // --- the dialog -------------------------------------------------------------------------

  async function openDialog() {
    linkField.value = "";
    refreshFigures();
    dialog.showModal();
    const href = await link(await capture());
    linkField.value = href;
    history.replaceState(null, "", href); // the address bar holds the same link
    linkField.select();
  }

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(linkField.value);
    } catch {
      linkField.select(); // no clipboard on plain http in a classroom network: copy by hand
      document.execCommand("copy");
    }
    toast(t("share.copied"));
  }

  async function downloadState() {
    const shared = await capture();
    const text = JSON.stringify(shared, null, 2);
    download(new Blob([text], { type: "application/json" }), `${lab}-state.json`);
  }

  async function openStateFile(file) {
    try {
      const step = apply(JSON.parse(await file.text()));
      if (step !== null) tourStep.restore(step);
      dialog.close();
    } catch {
      toast(t("share.bad_file"));
    }
  }

  // --- pictures ---------------------------------------------------------------------------

  async function figurePng(element) {
    if (element instanceof SVGSVGElement) {
      const canvas = await svgCanvas(element, 2);
      return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    }
    const url = await (await loadPlotly()).toImage(element, { format: "png", scale: 2 });
    return (await fetch(url)).blob();
  }

  function refreshFigures() {
    const box = $("figure-buttons");
    box.replaceChildren(...[...document.querySelectorAll("[data-export]")].map((figure) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.testid = `export-${figure.dataset.export}`;
      button.textContent = t("share.figure_png", { name: figure.getAttribute("aria-label") });
      button.addEventListener("click", guarded(async () => {
        download(await figurePng(figure), `${lab}-${figure.dataset.export}.png`);
      }));
      return button;
    }));
  }

  // --- weights ----------------------------------------------------------------------------

  // The state goes to the server, which answers with the file (or a translated error).
  async function downloadExport(path, filename) {
    const { state } = await capture();
    const response = await fetch(appPath(path), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state),
    });
    if (!response.ok) {
      toast(errorText(await response.json()));
      return;
    }
    download(await response.blob(), filename);
  }
  const downloadWeights = (format) =>
    downloadExport(`/export/${lab}/weights.${format}`, `${lab}-weights.${format}`);
  const downloadCode = (kind, ext) => downloadExport(
    `/export/${lab}/${kind}.${ext}?lang=${document.documentElement.lang}`, `${lab}_${kind}.${ext}`);

  // --- wiring -----------------------------------------------------------------------------

  // The language switch keeps the learner's network and tour step: it carries the state.
  document.querySelectorAll(".lang-switch a").forEach((a) => {
    a.addEventListener("click", async (e) => {
      if (!pageSession() || !pageSession().open) return; // follow the plain link
      e.preventDefault();
      let hash = "";
      try {
        const timeout = new Promise((_, reject) => setTimeout(reject, 2000));
        hash = new URL(await Promise.race([capture().then(link), timeout])).hash;
      } catch { /* go without the state */ }
      location.assign(a.href.split("#")[0] + hash);
    });
  });

  const on = (id, handler) =>
    $(id)?.addEventListener("click", guarded(handler));
  on("share-open", openDialog);
  on("share-copy", copyLink);
  on("state-download", downloadState);
  on("state-open", () => upload.click());
  on("weights-json", () => downloadWeights("json"));
  on("weights-npz", () => downloadWeights("npz"));
  on("code-pytorch", () => downloadCode("pytorch", "py"));
  on("code-keras", () => downloadCode("keras", "py"));
  on("code-notebook", () => downloadCode("notebook", "ipynb"));
  upload.addEventListener("change", () => {
    if (upload.files.length) openStateFile(upload.files[0]);
    upload.value = "";
  });

  return { capture, link, apply, pack, unpack };
}
