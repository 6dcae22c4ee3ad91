"""A page behind the balancer (deploy/nginx.conf, two replicas, Redis) whose replica is
stopped with SIGTERM: it moves to the other replica and keeps the learner's work."""

import signal

import pytest
from playwright.sync_api import expect

from tests.browser.steps import edit_weight, open_neurons
from tests.cluster import cluster, nginx_available
from tests.liveserver import redis_available

pytestmark = pytest.mark.browser

# Every notice the page shows, in order (a toast replaces the one before).
WATCH_TOASTS = """
window.toasts = [];
new MutationObserver(() => {
  const toast = document.getElementById("toast");
  if (toast && !toast.hidden) window.toasts.push(toast.textContent);
}).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"""


def test_a_page_moves_to_the_other_replica_when_its_replica_stops(new_page, tmp_path):
    if not (nginx_available() and redis_available()):
        pytest.skip("nginx or redis-server is not installed (make test installs them)")
    with cluster(tmp_path) as topology:
        page = new_page(base_url=f"http://{topology.url}")
        page.add_init_script(WATCH_TOASTS)
        try:
            output = open_neurons(page, "?preset=b2_weighted")
            edit_weight(page, "edge-0-1-0", "1")
            expect(output).to_have_text("3.9")
            home = topology.sessions_on().index(1)
            topology.processes[home].send_signal(signal.SIGTERM)
            expect(page.locator("#toast")).to_have_text("Reconnected: your work is back.")
            expect(page.locator("html")).to_have_attribute("data-connection", "open")
            expect(output).to_have_text("3.9")
            toasts = page.evaluate("window.toasts")
            assert "This server is restarting: moving your work to another one…" in toasts
            assert topology.sessions(1 - home) == 1  # the page's session is on the other one
        finally:
            page.close()
        assert topology.processes[home].wait(timeout=60) in (0, -signal.SIGTERM)
