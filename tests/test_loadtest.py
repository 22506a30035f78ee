"""The load test's pure pieces, and the hub configuration it starts (no hub is run here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from traitlets.config import PyFileConfigLoader

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def _loadtest():
    spec = importlib.util.spec_from_file_location("loadtest", DEPLOY / "loadtest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["loadtest"] = module
    spec.loader.exec_module(module)
    return module


lt = _loadtest()


def test_percentile_is_numpy_s() -> None:
    values = [0.3, 5.0, 1.0, 2.5, 9.0, 4.0, 7.5]
    for q in (0, 10, 50, 95, 100):
        assert lt.percentile(values, q) == pytest.approx(np.percentile(values, q))
    with pytest.raises(ValueError):
        lt.percentile([], 50)


def _round(n: int, median: float, p95: float, mb: float = 300.0, failures=()) -> object:
    r = lt.Round(n)
    r.spawn_s = [2.0] * n
    r.update_ms = [median] * 18 + [p95] * 2  # the 95th percentile of this is p95
    r.mb_per_student = [mb] * n
    r.failures = list(failures)
    return r


def test_the_goal_needs_every_student_and_both_latencies() -> None:
    assert _round(5, 100, 300).meets_goal
    assert not _round(5, 160, 300).meets_goal  # the median
    assert not _round(5, 100, 450).meets_goal  # the p95
    assert not _round(5, 100, 300, failures=["s5x1: TimeoutError"]).meets_goal
    short = _round(5, 100, 300)
    short.mb_per_student = short.mb_per_student[:4]  # a student never reported
    assert not short.meets_goal


def test_the_line_has_the_issue_s_form() -> None:
    assert _round(10, 120, 300).line() == (
        "10 students: spawn median 2.0 s, update median 120 ms, p95 300 ms, 300 MB per student"
    )


def test_the_verdict_names_the_limit() -> None:
    cpu = lt.verdict([_round(5, 80, 200), _round(10, 200, 500)], 2, 20_000)
    assert cpu.startswith("largest class meeting the goal: 5 students (limited by CPU")
    memory = lt.verdict([_round(5, 80, 200, mb=3000), _round(10, 200, 500, mb=3000)], 2, 20_000)
    assert "limited by memory" in memory
    assert lt.verdict([_round(5, 200, 500)], 2, 20_000).startswith("no class size")
    failed = lt.verdict([_round(5, 80, 200), _round(10, 80, 200, failures=["s10x3: E"])], 2, 20_000)
    assert "1 of them did not get through (s10x3: E)" in failed


def test_binary_frames_give_their_json() -> None:
    message, buffer = b'{"a": 1}', b"\x89PNG..."
    header = (2).to_bytes(4, "big") + (12).to_bytes(4, "big") + (20).to_bytes(4, "big")
    assert lt._json_part(header + message + buffer) == message
    alone = (1).to_bytes(4, "big") + (8).to_bytes(4, "big") + message
    assert lt._json_part(alone) == message


def _config(path: Path, env: dict[str, str], monkeypatch) -> object:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    loader = PyFileConfigLoader(path.name, str(path.parent))
    return loader.load_config()


def test_the_class_hub_listens_on_loopback_and_culls(monkeypatch) -> None:
    monkeypatch.delenv("LECTURELIB_HUB_URL", raising=False)
    c = _config(DEPLOY / "jupyterhub_config.py", {}, monkeypatch)
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.Spawner.mem_limit and c.Spawner.cpu_limit
    assert any("jupyterhub_idle_culler" in " ".join(s["command"]) for s in c.JupyterHub.services)
    assert c.Spawner.default_url.endswith("notebooks/00_start_here.ipynb")


def test_the_load_test_hub_is_loopback_only_with_the_run_s_password(monkeypatch, tmp_path) -> None:
    env = {
        "LECTURELIB_LOADTEST_DIR": str(tmp_path),
        "LECTURELIB_LOADTEST_PORT": "18000",
        "LECTURELIB_LOADTEST_PROXY_PORT": "18001",
        "LECTURELIB_LOADTEST_HUB_PORT": "18002",
        "LECTURELIB_LOADTEST_PASSWORD": "a-random-one",
        "LECTURELIB_LOADTEST_API_TOKEN": "0" * 64,
        "LECTURELIB_LOADTEST_SINGLEUSER": "jupyterhub-singleuser",
    }
    c = _config(DEPLOY / "loadtest_config.py", env, monkeypatch)
    assert c.JupyterHub.bind_url == "http://127.0.0.1:18000"
    assert c.JupyterHub.hub_ip == c.Spawner.ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.DummyAuthenticator.password == "a-random-one"
    assert c.SimpleLocalProcessSpawner.home_dir_template.startswith(str(tmp_path))
    names = [s["name"] for s in c.JupyterHub.services]
    assert names == ["idle-culler", "loadtest"]  # the class settings are kept
    monkeypatch.delenv("LECTURELIB_LOADTEST_PASSWORD")
    with pytest.raises(KeyError):  # no password, no hub: there is no default one
        PyFileConfigLoader("loadtest_config.py", str(DEPLOY)).load_config()
