"""The workshop features in a real browser: CSP with Plotly, reload keeps work, teacher rooms."""

import re

import pytest
from playwright.sync_api import expect

from neural_playground.app.main import create_app
from neural_playground.app.settings import Settings
from tests.browser.conftest import screenshot
from tests.browser.steps import edit_weight, open_neurons, open_room
from tests.liveserver import serving
from tests.wsutil import wait_for

pytestmark = pytest.mark.browser

# The server answers in order: once its pong is here, every frame sent before it is too, and
# one animation frame later the page has drawn them (a state to wait on, not a time).
# The loss chart's curves as text (null until Plotly has drawn it).
LOSS_CURVE = """() => {
  const chart = document.querySelector('[data-testid="loss-chart"]');
  return chart?.data ? JSON.stringify(chart.data.map((trace) => trace.y)) : null;
}"""
CHART_CAUGHT_UP = """() => {
  const chart = document.querySelector('[data-testid="loss-chart"]');
  return Boolean(chart.dataset.points) && chart.dataset.points === chart.dataset.received;
}"""
ALL_FRAMES_DRAWN = """() => new Promise((resolve) => {
  document.addEventListener("np:message", function pong(e) {
    if (e.detail.msg.type !== "pong") return;
    document.removeEventListener("np:message", pong);
    requestAnimationFrame(() => resolve());
  });
  NP.session.send({ type: "ping" });
})"""

# Collects Content-Security-Policy violations the page reports, from before any script runs.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""


def test_plotly_draws_every_chart_kind_under_the_content_security_policy(page):
    page.add_init_script(WATCH_CSP)
    open_neurons(page)
    page.evaluate(
        """() => new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = "/vendor/plotly.min.js";
            script.onload = resolve;
            script.onerror = reject;
            document.head.appendChild(script);
        })"""
    )
    page.evaluate(
        """async () => {
            const box = document.createElement("div");
            box.id = "chart";
            box.style.width = "600px";
            box.style.height = "400px";
            document.querySelector("main").appendChild(box);
            const z = [[0, 1, 2], [1, 2, 3], [2, 3, 4]];
            await Plotly.newPlot(box, [
                {x: [1, 2, 3], y: [3, 1, 2], type: "scatter", mode: "lines+markers", name: "loss"},
                {z, type: "heatmap", showscale: true, xaxis: "x2", yaxis: "y2"},
                {z, type: "contour", xaxis: "x3", yaxis: "y3"},
                {x: ["a", "b"], y: [1, 2], type: "bar", xaxis: "x4", yaxis: "y4"},
            ], {
                title: {text: "Loss <b>per</b> step"},
                grid: {rows: 2, columns: 2, pattern: "independent"},
                annotations: [{text: "note", x: 2, y: 1, showarrow: true}],
            }, {displayModeBar: true, responsive: true});
            await Plotly.relayout(box, {"xaxis.range": [0, 4]});
            await Plotly.react(box, [{x: [1, 2], y: [2, 1], type: "scatter"}], {});
        }"""
    )
    chart = page.locator("#chart")
    expect(chart.locator(".main-svg").first).to_be_visible()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # hover labels
    expect(chart.locator(".scatterlayer .trace")).to_have_count(1)
    assert page.evaluate("window.cspViolations") == []


def test_a_reload_keeps_the_learners_work(page):
    output = open_neurons(page, "?preset=b2_weighted")
    edit_weight(page, "edge-0-1-0", "1")
    expect(output).to_have_text("3.9")
    page.reload()
    # The server gave the reloaded page its old session back, not the preset afresh.
    expect(output).to_have_text("3.9")
    expect(page.locator("html")).to_have_attribute("data-connection", "open")
    # Another tab (no sessionStorage) starts fresh.
    other = page.context.new_page()
    open_neurons(other, "?preset=b2_weighted")
    other.close()


def test_a_teacher_room_from_open_to_fork(new_page):
    teacher, student = new_page(), new_page()
    open_neurons(teacher, "?preset=b2_weighted")
    code = open_room(teacher)
    expect(teacher.get_by_test_id("room-code-big")).to_contain_text("/room")
    screenshot(teacher, "room-code-projector")
    teacher.get_by_test_id("room-hide-code").click()
    expect(teacher.get_by_test_id("room-bar-text")).to_contain_text(f"teaching room {code}")

    # The student types the code in the header on the home page.
    student.goto("/")
    student.get_by_test_id("room-menu").locator("summary").click()
    student.get_by_test_id("room-code-input").fill(code.lower())
    student.get_by_test_id("room-join").click()
    expect(student).to_have_url(re.compile(rf"/neurons\?room={code}$"))
    expect(student.get_by_test_id("room-bar-text")).to_contain_text(
        f"Following the teacher in room {code}"
    )
    expect(student.get_by_test_id("room-fork")).to_be_visible()
    expect(student.get_by_test_id("room-close")).to_be_hidden()  # teacher controls

    # The teacher edits; the student's screen follows.
    edit_weight(teacher, "edge-0-1-0", "1")
    expect(teacher.get_by_test_id("output-value")).to_have_text("3.9")
    expect(student.get_by_test_id("output-value")).to_have_text("3.9")
    screenshot(student, "room-student-following")

    # The student cannot change the teacher's network: their controls are locked...
    expect(student.get_by_test_id("room-following")).to_be_visible()
    student.get_by_test_id("edge-0-0-0").click()
    expect(student.get_by_test_id("editor-number")).to_be_disabled()
    student.keyboard.press("r")  # a key that would reset: refused by the server
    expect(student.locator("#toast")).to_contain_text("Fork it")
    expect(teacher.get_by_test_id("output-value")).to_have_text("3.9")

    # ...but can fork it and play with their own copy.
    student.get_by_test_id("room-fork").click()
    expect(student.get_by_test_id("room-bar")).to_be_hidden()
    expect(student.locator("#toast")).to_contain_text("your own copy")
    expect(student).to_have_url(re.compile(r"/neurons$"))
    edit_weight(student, "edge-0-0-0", "2")
    # B1 = 2 - 2 + 0.9 = 0.9, so R1 = 0.9 + 2 + 2
    expect(student.get_by_test_id("output-value")).to_have_text("4.9")
    expect(teacher.get_by_test_id("output-value")).to_have_text("3.9")

    # A teacher who reloads is still the room's teacher.
    teacher.reload()
    expect(teacher.get_by_test_id("room-bar-text")).to_contain_text(f"teaching room {code}")
    expect(teacher.get_by_test_id("output-value")).to_have_text("3.9")
    teacher.get_by_test_id("room-close").click()
    expect(teacher.get_by_test_id("room-bar")).to_be_hidden()


@pytest.fixture(scope="module")
def forgetful_server():
    """A server that keeps nothing after a tab closes (NP_RESUME_GRACE_SECONDS=0): its
    address, and its app (to see when the tab's session is gone)."""
    app = create_app(Settings(resume_grace_seconds=0))
    with serving(app) as host:
        yield f"http://{host}", app


def test_when_the_server_forgot_the_session_the_tab_restores_its_saved_state(
    new_page, forgetful_server
):
    address, app = forgetful_server
    page = new_page(base_url=address)
    output = open_neurons(page, "?preset=b2_weighted")
    edit_weight(page, "edge-0-1-0", "1")
    expect(output).to_have_text("3.9")
    # The learner switches to another window: the page keeps the lab's state for later.
    page.evaluate(
        """() => {
            const hidden = {value: "hidden", configurable: true};
            Object.defineProperty(document, "visibilityState", hidden);
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_function("() => sessionStorage.getItem('np-state:neurons') !== null")
    # The tab leaves and comes back once the server has dropped its session (a quick reload
    # could resume the old session before the server saw its socket close).
    url = page.url
    page.goto("about:blank")
    wait_for(lambda: len(app.state.sessions) == 0)
    page.goto(url)
    expect(page.locator("#toast")).to_contain_text("last saved work was restored")
    expect(output).to_have_text("3.9")


MAX_PIXEL_DIFFERENCE = """async (canvas, url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const other = document.createElement("canvas");
  other.width = canvas.width;
  other.height = canvas.height;
  other.getContext("2d").drawImage(image, 0, 0);
  const a = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const b = other.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let most = 0;
  for (let k = 0; k < a.length; k++) most = Math.max(most, Math.abs(a[k] - b[k]));
  return most;
}"""


def xor_after_one_step(page):
    """Open the playground, choose XOR and train one step: the plot, once it shows step 1."""
    page.goto("/playground", wait_until="domcontentloaded")
    plot = page.get_by_test_id("plot")
    expect(plot).to_have_attribute("data-step", "0")
    page.get_by_test_id("dataset").select_option("xor")
    expect(page.get_by_test_id("dataset-about")).to_contain_text("same sign")
    page.get_by_test_id("step").click()
    expect(plot).to_have_attribute("data-step", "1")
    return plot


def test_a_reloaded_playground_draws_the_same_plane_from_its_full_frame(page):
    plot = xor_after_one_step(page)
    before = plot.evaluate("canvas => canvas.toDataURL()")
    loss = page.get_by_test_id("train-loss").inner_text()
    page.reload(wait_until="domcontentloaded")
    # The server gave the page its session back: the XOR points, step 1 and every map,
    # although the page had nothing of them and the lab sends only what changed.
    expect(page.get_by_test_id("dataset")).to_have_value("xor")
    expect(plot).to_have_attribute("data-step", "1")
    expect(page.get_by_test_id("train-loss")).to_have_text(loss)
    # The same picture, but for the surface's colours within a level or two: the page last
    # drew the surface as of an earlier step (a map one level of 255 away is not resent).
    assert plot.evaluate(MAX_PIXEL_DIFFERENCE, before) <= 3


def test_a_student_joining_a_playground_room_late_sees_the_teachers_plane(new_page):
    teacher, student = new_page(), new_page()
    plot = xor_after_one_step(teacher)
    code = open_room(teacher)
    teacher.get_by_test_id("room-hide-code").click()
    # The student opens the page after all that: its first frame is the room's last one.
    student.goto(f"/playground?room={code}", wait_until="domcontentloaded")
    shown = student.get_by_test_id("plot")
    expect(student.get_by_test_id("room-bar-text")).to_contain_text("Following the teacher in room")
    expect(student.get_by_test_id("dataset")).to_have_value("xor")
    expect(shown).to_have_attribute("data-step", "1")
    picture = plot.evaluate("canvas => canvas.toDataURL()")
    assert shown.evaluate(MAX_PIXEL_DIFFERENCE, picture) <= 3
    # The teacher steps on; the student's screen follows.
    teacher.get_by_test_id("step").click()
    # Both screens at step 2 before the numbers are compared: each page draws a frame at its
    # next animation frame, so the teacher's may still show step 1 when the student's is drawn.
    expect(plot).to_have_attribute("data-step", "2")
    expect(shown).to_have_attribute("data-step", "2")
    expect(student.get_by_test_id("train-loss")).to_have_text(
        teacher.get_by_test_id("train-loss").inner_text()
    )
    # The teacher plays a while: a student who keeps up is sent only what changed, and
    # still draws the same plane and the same loss curve as the teacher.
    play = teacher.get_by_test_id("play")
    play.click()
    expect(plot).not_to_have_attribute("data-step", re.compile(r"^[0-9]$"))
    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")
    teacher.evaluate(ALL_FRAMES_DRAWN)  # the last frame of the burst
    expect(shown).to_have_attribute("data-step", plot.get_attribute("data-step"))
    picture = plot.evaluate("canvas => canvas.toDataURL()")
    assert shown.evaluate(MAX_PIXEL_DIFFERENCE, picture) <= 3
    # The chart redraws at most every 400 ms: read the teacher's once it shows every point.
    teacher.wait_for_function(CHART_CAUGHT_UP)
    teachers_curve = teacher.evaluate(LOSS_CURVE)
    assert teachers_curve is not None
    student.wait_for_function(f"want => ({LOSS_CURVE})() === want", arg=teachers_curve)
    # A student who comes now is sent the whole frame made beside the teacher's last one.
    late = new_page()
    late.goto(f"/playground?room={code}", wait_until="domcontentloaded")
    expect(late.get_by_test_id("plot")).to_have_attribute(
        "data-step", plot.get_attribute("data-step")
    )
    expect(late.get_by_test_id("dataset")).to_have_value("xor")
    assert late.get_by_test_id("plot").evaluate(MAX_PIXEL_DIFFERENCE, picture) <= 3
    # Its chart is drawn once Plotly has loaded (lazily): wait for the same curve.
    late.wait_for_function(f"want => ({LOSS_CURVE})() === want", arg=teachers_curve)
