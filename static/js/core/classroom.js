// The classroom layer of every page (templates/partials/head.html loads it): the theme and
// projector switches, the keyboard, teacher rooms, the teacher's view of the class (a dialog,
// or the class page) and the one-screen layout; lab pages add share.js, pages with a
// tour tour.js. It knows no lab: it listens to the events session.js dispatches, so a
// lesson's module wires nothing.
//
// It also puts `window.NP` on the page: a deliberate hook for the browser tests and the
// console (NP.session.send({type: "ping"}), NP.setTheme("dark")), not for scripts, which
// import what they use.
import { setupClassPage } from "./classpage.js";
import { setupClassView } from "./classview.js";
import { cssVar } from "./dom.js";
import { fmt } from "./format.js";
import * as heatmap from "./heatmap.js";
import { t } from "./i18n.js";
import { setupKeys } from "./keys.js";
import { setupLayout } from "./layout.js";
import { setupRoom } from "./room.js";
import { inflate, pageSession } from "./session.js";
import { setProjector, setTheme, setupSwitches } from "./theme.js";

setupSwitches();
setupKeys();
setupRoom();
setupLayout();
setupClassView();
setupClassPage();

window.NP = {
  get session() { return pageSession(); },
  heatmap, t, fmt, cssVar, inflate, setTheme, setProjector,
};
