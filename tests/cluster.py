"""The compose.yaml topology without Docker: Debian's nginx (with deploy/nginx.conf) in front
of two app processes sharing one redis-server (`make test` installs nginx and redis).
"""

import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.server import server_process
from tests.liveserver import free_port, redis_process

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx.conf"

# nginx's main configuration around the committed site: everything in a scratch folder, one
# worker (so that connections alternate between the replicas in turn), in the foreground.
MAIN = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""


def nginx_available() -> bool:
    return os.access(NGINX, os.X_OK)


def site_for(port: int, replicas: list[str]) -> str:
    """deploy/nginx.conf, listening on `port`, its `app` servers replaced by `replicas`."""
    site = SITE.read_text()
    server = re.search(r"^\s*server app:8000([^;]*);\n", site, re.MULTILINE)
    assert server, "deploy/nginx.conf names its replicas as `server app:8000 ...;`"
    lines = "".join(f"    server {replica}{server[1]};\n" for replica in replicas)
    site = site[: server.start()] + "\n" + lines + site[server.end() :]
    assert "listen 80;" in site
    return site.replace("listen 80;", f"listen 127.0.0.1:{port};")


@contextlib.contextmanager
def balancer(replicas: list[str], workdir: Path) -> Iterator[str]:
    """nginx in front of `replicas`; yield its "127.0.0.1:<port>"."""
    port = free_port()
    (workdir / "site.conf").write_text(site_for(port, replicas))
    # As root, nginx's worker would run as nobody and could not use this scratch folder.
    user = "user root;" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(MAIN.format(dir=workdir, user=user))
    process = subprocess.Popen(
        [NGINX, "-c", str(workdir / "nginx.conf"), "-p", str(workdir)], stderr=subprocess.PIPE
    )
    try:
        wait_ready(f"127.0.0.1:{port}", process)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def wait_ready(host: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://{host}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, f"{host} did not get ready in time"
        time.sleep(0.1)


@dataclass
class Cluster:
    url: str  # the balancer, "127.0.0.1:<port>"
    replicas: list[str]
    processes: list[subprocess.Popen]
    redis_url: str

    def sessions(self, index: int) -> int:
        """Open sessions on one replica (from its own /metrics, not through the balancer)."""
        with urllib.request.urlopen(f"http://{self.replicas[index]}/metrics", timeout=5) as r:
            text = r.read().decode()
        return int(float(re.search(r"^np_sessions_active (\S+)", text, re.MULTILINE)[1]))

    def sessions_on(self) -> list[int]:
        return [self.sessions(index) for index in range(len(self.replicas))]


@contextlib.contextmanager
def cluster(workdir: Path, **env: str) -> Iterator[Cluster]:
    """Redis, two replicas (labs in a lab process each, as deployed), nginx in front."""
    with contextlib.ExitStack() as stack:
        redis = stack.enter_context(redis_process())
        settings = {
            "NP_REDIS_URL": redis.url,
            "NP_SECRET_KEY": "one-key-for-every-replica",
            "NP_LAB_PROCESSES": "true",
            "NP_LAB_WORKERS": "1",
            **env,
        }
        replicas = [stack.enter_context(server_process(**settings)) for _ in range(2)]
        for host, process in replicas:  # each one's lab processes warmed up
            wait_ready(host, process, timeout=120)
        hosts = [host for host, _ in replicas]
        url = stack.enter_context(balancer(hosts, workdir))
        yield Cluster(url, hosts, [process for _, process in replicas], redis.url)
