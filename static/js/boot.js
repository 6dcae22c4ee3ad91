// The only classic script: loaded blocking in <head> (module scripts always run after the
// page is parsed), it puts the remembered theme and projector mode on <html> before the
// first paint, so a dark or projector page never flashes light. The switches themselves
// live in core/theme.js.
"use strict";

(() => {
  const root = document.documentElement;
  const read = (key, storage) => {
    try { return storage.getItem(key); } catch { return null; }
  };

  // Theme: the learner's choice, else the system's preference.
  const prefersDark = window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches;
  root.dataset.theme = read("np-theme", localStorage) || (prefersDark ? "dark" : "light");

  // Projector: the switch is remembered by the browser; ?projector=1 / 0 holds for this tab
  // only, so a link sent to learners does not turn their own screens into projectors.
  const params = new URLSearchParams(location.search);
  if (params.has("projector")) {
    try {
      sessionStorage.setItem("np-projector", params.get("projector") === "1" ? "on" : "off");
    } catch { /* private mode: not remembered */ }
  }
  const projector = read("np-projector", sessionStorage) || read("np-projector", localStorage);
  root.dataset.projector = projector === "on" ? "on" : "off";
})();
