// The few DOM helpers every page uses, written once.

// An element by its id.
export const $ = (id) => document.getElementById(id);

// A path of the server's (`/ws/neurons`) as this page must ask for it: under the prefix the
// server is hosted at behind a proxy (NP_ROOT_PATH, `<html data-root>`), or as it is.
export function appPath(path) {
  return (document.documentElement.dataset.root || "") + path;
}

// A colour or size from the stylesheet, for drawings that cannot use CSS (Plotly, canvas).
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// An SVG element with attributes, appended to `parent` when given.
export function svgElement(name, attrs, parent) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

// Frames can come faster than the screen paints while training: `draw` gets only the newest
// of the values passed to the function returned, at most once per display frame.
export function drawNewest(draw) {
  let pending = null;
  return (value) => {
    if (pending === null) {
      requestAnimationFrame(() => {
        const newest = pending;
        pending = null;
        draw(newest);
      });
    }
    pending = value;
  };
}

// Set a control to the engine's value unless the learner is in it (typing, dragging).
export function setIfIdle(element, value) {
  if (document.activeElement !== element) element.value = value;
}
