"""How many students can one machine teach at once? ``make loadtest``.

Starts the class hub (``deploy/loadtest_config.py``: test-only login, 127.0.0.1 only), then
for each class size N, N simulated students at once:

1. log in through the hub's login form and spawn their server (timed: the spawn time);
2. run the heaviest interactive notebook (07, the playground) to the end through the kernel
   protocol, as "Run all" does;
3. for 60 s, move its explorer at a student's pace, one update every 2 s: alternately a
   Step (one training frame, redrawn) and a change of the width control, which restarts the
   playground. Both go through the same Python path a click or a slider takes in the page
   (the Player's observer, its update, redraw and PNG); each round trip is timed.

Each student's server and kernel report their memory (RSS) and CPU time at the end. One line
per N: ``N students: spawn median S s, update median M ms, p95 P ms, R MB per student``; then
the largest N that keeps the update median under 150 ms and the p95 under 400 ms, and what
limits it. Every loop is bounded in count and time; all traffic stays on 127.0.0.1; the
hub, the proxy, every server and every kernel are stopped at the end, by process id.

    python deploy/loadtest.py                 # N = 5, 10, 15, 20, 30, ... until the goal fails
    python deploy/loadtest.py --students 10   # one class size
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOK = "notebooks/07_mlp_classification.ipynb"
EXPLORER = "playground"  # the notebook's Player
#: The goal for a class: key press to new figure, in the kernel (the page adds ~20 ms).
GOAL_MEDIAN_MS, GOAL_P95_MS = 150.0, 400.0
UPDATE_EVERY_S, EXPLORE_S = 2.0, 60.0
#: Hard bounds on every wait.
SPAWN_TIMEOUT_S, CELL_TIMEOUT_S, ROUND_TIMEOUT_S = 240.0, 300.0, 900.0

# The two moves a student makes, alternately; both print nothing.
STEP = f"{EXPLORER}.step(); None"
WIDTHS = (4, 8)
CHANGE = f"{EXPLORER}.controls['width'].value = {{width}}; None"
REPORT = r"""
import json as _j, os as _o
def _proc(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:")) / 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return rss, (int(fields[11]) + int(fields[12])) / _o.sysconf("SC_CLK_TCK")
_k, _s = _proc(_o.getpid()), _proc(_o.getppid())
print(_j.dumps({"kernel_pid": _o.getpid(), "server_pid": _o.getppid(), "kernel_rss": _k[0],
                "server_rss": _s[0], "kernel_cpu": _k[1], "server_cpu": _s[1]}))
"""


# --------------------------------------------------------------------------------------
# Pure pieces (tested in tests/test_loadtest.py)
# --------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation, as ``numpy.percentile``."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Round:
    """What one class size measured."""

    students: int
    explore_s: float = EXPLORE_S  # how long every student moves the explorer
    spawn_s: list[float] = field(default_factory=list)
    update_ms: list[float] = field(default_factory=list)
    mb_per_student: list[float] = field(default_factory=list)
    cpu_s_per_student: list[float] = field(default_factory=list)
    busy_share: float = 0.0  # share of all cores busy during the explorer phase
    failures: list[str] = field(default_factory=list)

    @property
    def meets_goal(self) -> bool:
        """Every student got through, and the updates were fast enough."""
        return (
            not self.failures
            and len(self.mb_per_student) == self.students
            and bool(self.update_ms)
            and percentile(self.update_ms, 50) < GOAL_MEDIAN_MS
            and percentile(self.update_ms, 95) < GOAL_P95_MS
        )

    def line(self) -> str:
        if not self.update_ms or not self.spawn_s:
            return f"{self.students} students: failed ({'; '.join(self.failures[:3])})"
        text = (
            f"{self.students} students: spawn median {percentile(self.spawn_s, 50):.1f} s, "
            f"update median {percentile(self.update_ms, 50):.0f} ms, "
            f"p95 {percentile(self.update_ms, 95):.0f} ms, "
            f"{percentile(self.mb_per_student, 50):.0f} MB per student"
        )
        if self.failures:
            text += f" ({len(self.failures)} failed: {self.failures[0]})"
        return text


def verdict(rounds: Sequence[Round], cores: int, available_mb: float) -> str:
    """The largest class that met the goal, and which resource limits it."""
    good = [r for r in rounds if r.meets_goal]
    if not good:
        return "no class size met the goal (update median < 150 ms, p95 < 400 ms)"
    best = max(good, key=lambda r: r.students)
    per_student = max(percentile(r.mb_per_student, 50) for r in rounds if r.mb_per_student)
    memory_allows = int(available_mb // per_student)
    failed = [r for r in rounds if not r.meets_goal and r.students > best.students]
    if failed:
        worst = min(failed, key=lambda r: r.students)
        if memory_allows <= worst.students:
            limit = (
                f"limited by memory: {per_student:.0f} MB per student, "
                f"{available_mb / 1024:.1f} GB available"
            )
        else:
            why = (
                f"{len(worst.failures)} of them did not get through ({worst.failures[0]})"
                if worst.failures
                else f"the updates were too slow with the {cores} cores "
                f"{100 * worst.busy_share:.0f}% busy"
            )
            limit = (
                f"limited by CPU: at {worst.students} students {why}, while memory "
                f"({available_mb / 1024:.0f} GB available, {per_student:.0f} MB per "
                f"student) would allow about {memory_allows}"
            )
    else:
        limit = (
            f"the largest size tried; memory would allow about {memory_allows} "
            f"({per_student:.0f} MB per student)"
        )
    return f"largest class meeting the goal: {best.students} students ({limit})"


def notebook_code_cells(path: Path) -> list[str]:
    """The code cells of a notebook, as "Run all" executes them."""
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


# --------------------------------------------------------------------------------------
# The hub
# --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **kwargs):
    import requests

    return requests.get(url, timeout=30, **kwargs)


@contextlib.contextmanager
def running_hub(run: Path) -> Iterator[tuple[str, str, str, list[int]]]:
    """The test hub on 127.0.0.1: yields (url, password, API token, pids to stop at the end)."""
    bin_dir = Path(sys.executable).parent
    password, token = secrets.token_urlsafe(16), secrets.token_hex(32)
    port = free_port()
    env = {
        **os.environ,
        "LECTURELIB_LOADTEST_DIR": str(run),
        "LECTURELIB_LOADTEST_PORT": str(port),
        "LECTURELIB_LOADTEST_PROXY_PORT": str(free_port()),
        "LECTURELIB_LOADTEST_HUB_PORT": str(free_port()),
        "LECTURELIB_LOADTEST_PASSWORD": password,
        "LECTURELIB_LOADTEST_API_TOKEN": token,
        "LECTURELIB_LOADTEST_SINGLEUSER": str(bin_dir / "jupyterhub-singleuser"),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "TQDM_DISABLE": "1",
    }
    log = (run / "hub.log").open("w")
    hub = subprocess.Popen(
        [str(bin_dir / "jupyterhub"), "-f", str(HERE / "loadtest_config.py")],
        cwd=run,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the proxy and services die with it
    )
    pids = [hub.pid]
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if hub.poll() is not None:
                raise RuntimeError(f"the hub exited; see {run / 'hub.log'}")
            with contextlib.suppress(Exception):
                if _get(f"{url}/hub/api/").ok:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not answer within 60 s; see {run / 'hub.log'}")
            time.sleep(0.5)
        yield url, password, token, pids
    finally:
        hub.send_signal(signal.SIGTERM)  # stops every server it spawned (cleanup_servers)
        try:
            hub.wait(timeout=60)
        except subprocess.TimeoutExpired:
            hub.kill()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(hub.pid, signal.SIGKILL)
        for pid in pids[1:]:  # servers and kernels, if any outlived the hub
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        log.close()


# --------------------------------------------------------------------------------------
# One student
# --------------------------------------------------------------------------------------
def _json_part(frame: bytes) -> bytes:
    """The message of a binary websocket frame (one with buffers, e.g. a widget's PNG).

    Jupyter server's frame: the count n of parts (uint32, big-endian), the n parts' start
    offsets, then the parts: the message's JSON first, then its buffers.
    """
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i : 8 + 4 * i], "big") for i in range(count)]
    return frame[offsets[0] : offsets[1] if count > 1 else len(frame)]


class Kernel:
    """A kernel of the student's server, driven over its websocket (the kernel protocol)."""

    def __init__(self, ws, username: str) -> None:
        self.ws, self.username, self.session = ws, username, uuid.uuid4().hex

    async def execute(self, code: str, timeout: float = CELL_TIMEOUT_S) -> tuple[str, str]:
        """Run ``code``; return (its printed output, its error or "") when the reply came."""
        msg_id = uuid.uuid4().hex
        message = {
            "header": {
                "msg_id": msg_id,
                "username": self.username,
                "session": self.session,
                "msg_type": "execute_request",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": {
                "code": code,
                "silent": False,
                "store_history": False,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            "channel": "shell",
            "buffers": [],
        }
        await self.ws.write_message(json.dumps(message))
        printed, error, replied, idle = [], "", False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply within {timeout:.0f} s")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise ConnectionError("the kernel's websocket closed")
            reply = json.loads(raw if isinstance(raw, str) else _json_part(raw))
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = reply["header"]["msg_type"], reply["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return "".join(printed), error


async def student(
    name: str, url: str, password: str, cells: list[str], ready: asyncio.Event, rnd: Round,
    start_at: list[float], pids: list[int],
) -> None:  # fmt: skip
    """One student: log in, spawn, run the notebook, explore for a while, report resources."""
    import requests
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    web = requests.Session()  # the student's browser: cookies, the login form, the hub's API

    async def call(method: str, path: str, **kwargs):
        kwargs.setdefault("timeout", 120)
        return await asyncio.to_thread(web.request, method, f"{url}{path}", **kwargs)

    began = time.monotonic()
    await call("GET", "/hub/login")
    form = {"username": name, "password": password, "_xsrf": web.cookies.get("_xsrf", "")}
    login = await call("POST", "/hub/login?next=", data=form, allow_redirects=False)
    if login.status_code not in (302, 303) or "jupyterhub-hub-login" not in web.cookies:
        raise RuntimeError(f"login answered {login.status_code}")
    api = {"X-XSRFToken": web.cookies.get("_xsrf", "")}
    spawn = await call("POST", f"/hub/api/users/{name}/server", json={}, headers=api)
    if spawn.status_code not in (201, 202):
        raise RuntimeError(f"spawn answered {spawn.status_code}: {spawn.text[:200]}")
    while True:
        info = (await call("GET", f"/hub/api/users/{name}", headers=api)).json()
        if info.get("servers", {}).get("", {}).get("ready"):
            break
        if time.monotonic() - began > SPAWN_TIMEOUT_S:
            raise TimeoutError(f"server not ready after {SPAWN_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.25)
    rnd.spawn_s.append(time.monotonic() - began)
    made = await call(
        "POST", f"/hub/api/users/{name}/tokens", json={"note": "loadtest"}, headers=api
    )
    auth = {"Authorization": f"token {made.json()['token']}"}
    body = {"path": NOTEBOOK, "type": "notebook", "kernel": {"name": "python3"}}
    session = await call("POST", f"/user/{name}/api/sessions", json=body, headers=auth)
    kernel_id = session.json()["kernel"]["id"]
    ws_url = url.replace("http", "ws") + f"/user/{name}/api/kernels/{kernel_id}/channels"
    request = HTTPRequest(ws_url, headers=auth, connect_timeout=120, request_timeout=120)
    ws = await websocket_connect(request, max_message_size=1 << 28)
    kernel = Kernel(ws, name)
    try:
        for cell in cells:
            _, error = await kernel.execute(cell)
            if error:
                raise RuntimeError(f"the notebook failed: {error}")
        ready.set()  # this student is at the explorer
        while not start_at:  # every student has run the notebook: explore together
            await asyncio.sleep(0.1)
        await asyncio.sleep(
            max(0.0, start_at[0] - time.monotonic()) + secrets.randbelow(2000) / 1000
        )
        end = start_at[0] + rnd.explore_s
        move = 0
        while time.monotonic() < end:
            code = STEP if move % 2 == 0 else CHANGE.format(width=WIDTHS[(move // 2) % 2])
            sent = time.monotonic()
            _, error = await kernel.execute(code, timeout=30)
            if error:
                raise RuntimeError(f"an explorer update failed: {error}")
            rnd.update_ms.append(1000 * (time.monotonic() - sent))
            move += 1
            await asyncio.sleep(max(0.0, sent + UPDATE_EVERY_S - time.monotonic()))
        printed, error = await kernel.execute(REPORT)
        if error:
            raise RuntimeError(f"the resource report failed: {error}")
        report = json.loads(printed.strip().splitlines()[-1])
        pids += [report["server_pid"], report["kernel_pid"]]
        rnd.mb_per_student.append(report["server_rss"] + report["kernel_rss"])
        rnd.cpu_s_per_student.append(report["server_cpu"] + report["kernel_cpu"])
    finally:
        ws.close()
        web.close()


def _busy_jiffies() -> tuple[int, int]:
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


async def one_round(
    n: int, url: str, password: str, token: str, pids: list[int], run: Path, explore_s: float
) -> Round:
    """N students at once; their servers are stopped afterwards."""
    cells = notebook_code_cells(ROOT / NOTEBOOK)
    rnd = Round(n, explore_s)
    names = [f"s{n}x{i}" for i in range(n)]
    for name in names:  # as nbgitpuller does: the series in every student's home
        home = run / "home" / name
        shutil.copytree(ROOT / "notebooks", home / "notebooks", dirs_exist_ok=True)
    readies = [asyncio.Event() for _ in names]
    start_at: list[float] = []

    async def guarded(name: str, ready: asyncio.Event) -> None:
        try:
            await student(name, url, password, cells, ready, rnd, start_at, pids)
        except Exception as error:  # one student's failure is a result, not a crash
            rnd.failures.append(f"{name}: {type(error).__name__}: {error}")
            ready.set()

    async def conductor() -> None:
        await asyncio.gather(*(r.wait() for r in readies))
        start_at.append(time.monotonic() + 1.0)
        busy0, total0 = _busy_jiffies()
        await asyncio.sleep(1.0 + rnd.explore_s)
        busy1, total1 = _busy_jiffies()
        rnd.busy_share = (busy1 - busy0) / max(total1 - total0, 1)

    tasks = [guarded(name, ready) for name, ready in zip(names, readies, strict=True)]
    try:
        await asyncio.wait_for(asyncio.gather(conductor(), *tasks), ROUND_TIMEOUT_S)
    except TimeoutError:
        rnd.failures.append(f"the round did not finish within {ROUND_TIMEOUT_S:.0f} s")
    finally:
        import requests

        for name in names:
            with contextlib.suppress(Exception):
                requests.delete(
                    f"{url}/hub/api/users/{name}/server",
                    headers={"Authorization": f"token {token}"},
                    timeout=60,
                )
    return rnd


def available_mb() -> float:
    with open("/proc/meminfo") as f:
        info = dict(re.findall(r"^(\w+):\s+(\d+)", f.read(), re.MULTILINE))
    return int(info["MemAvailable"]) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--students", type=int, help="one class size (default: 5, 10, 15, 20, 30, ...)"
    )
    parser.add_argument("--sizes", help="class sizes to try in turn, e.g. 20,30,40")
    parser.add_argument("--max-students", type=int, default=80, help="stop the sizes here")
    parser.add_argument(
        "--explore-seconds", type=float, default=EXPLORE_S, help="how long students explore"
    )
    args = parser.parse_args(argv)
    if args.students:
        sizes = [args.students]
    elif args.sizes:
        sizes = [int(n) for n in args.sizes.split(",")]
    else:
        sizes = [n for n in (5, 10, 15, 20, 30, 40, 50, 60, 80) if n <= args.max_students]
    cores = os.cpu_count() or 1
    memory = available_mb()
    print(f"{cores} cores, {memory / 1024:.1f} GB available; notebook {NOTEBOOK}")
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="lecturelib-hub-") as tmp:
        run = Path(tmp)
        with running_hub(run) as (url, password, token, pids):
            for n in sizes:
                if rounds and percentile(rounds[-1].mb_per_student or [0], 50) * n > 0.8 * memory:
                    print(f"{n} students: not tried (memory)")
                    break
                rnd = asyncio.run(
                    one_round(n, url, password, token, pids, run, args.explore_seconds)
                )
                rounds.append(rnd)
                print(rnd.line(), flush=True)
                if not rnd.meets_goal:
                    break
    print(verdict(rounds, cores, memory))
    return 0 if any(r.meets_goal for r in rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
