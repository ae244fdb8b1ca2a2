"""`python -m kisdesk.simulator` as a separate process: URL line, a token call, clean exit on signals."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
APPKEY = "PScli" + "k" * 31
APPSECRET = "s" * 180
START_TIMEOUT_S = 30.0


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise TimeoutError("the simulator printed no URL in time")
    return proc.stdout.readline().strip()


@contextmanager
def simulator(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    cmd = [sys.executable, "-m", "kisdesk.simulator", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc, _read_line(proc, START_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)  # closes the pipes (no ResourceWarning) and reaps the process


def _token_call(url: str) -> httpx.Response:
    body = {"grant_type": "client_credentials", "appkey": APPKEY, "appsecret": APPSECRET}
    with httpx.Client(base_url=url, timeout=10) as client:
        return client.post("/oauth2/tokenP", json=body)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_runs_until_signal_and_exits_zero(sig):
    with simulator("--env", "paper", "--port", "0") as (proc, url):
        assert url.startswith("http://127.0.0.1:")
        resp = _token_call(url)
        assert resp.status_code == 200
        assert resp.json()["token_type"] == "Bearer"
        proc.send_signal(sig)
        assert proc.wait(timeout=15) == 0


def test_invalid_env_is_rejected():
    result = subprocess.run(
        [sys.executable, "-m", "kisdesk.simulator", "--env", "demo"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


@pytest.mark.parametrize(
    "bad", [["--set", "no_such_setting=1"], ["--set", "enforce_ticks=maybe"], ["--fault", "teleport"]]
)
def test_bad_options_are_usage_errors(bad):
    result = subprocess.run(
        [sys.executable, "-m", "kisdesk.simulator", "--env", "real", *bad],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert bad[1].split("=")[0].split(",")[0] in result.stderr


def test_settings_faults_and_control_endpoints():
    args = ["--env", "real", "--seed", "42", "--set", "real_rate_per_s=7", "--test-endpoints"]
    args += ["--fault", "html_500_before,match=/oauth2/tokenP,count=1"]
    with simulator(*args) as (proc, url):
        assert _token_call(url).status_code == 502
        assert _token_call(url).status_code == 200
        with httpx.Client(base_url=url, timeout=10) as client:
            settings = client.get("/__sim__/settings").json()
            assert (settings["real_rate_per_s"], settings["seed"], settings["control_endpoints"]) == (
                7,
                42,
                True,
            )
            assert client.get("/__sim__/ledger").json() == []
        proc.terminate()
        assert proc.wait(timeout=15) == 0


def test_control_endpoints_are_off_without_the_flag():
    with simulator("--env", "real") as (proc, url):
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/__sim__/settings").status_code == 404
        proc.terminate()
        assert proc.wait(timeout=15) == 0
