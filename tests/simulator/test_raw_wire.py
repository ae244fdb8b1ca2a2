"""The simulator answers a hand-built, spec-only client (no kisdesk imports) the way the spec says.

Both the simulator and the script run as separate processes, exactly as a third-party KIS client
would meet the simulator on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("raw_kis_session.py")


@pytest.fixture(params=["real", "paper"])
def sim_process(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    env = request.param
    # The paper host's 1 req/s would make this walk take half a minute; pace both hosts at 10/s.
    args = [sys.executable, "-m", "kisdesk.simulator", "--env", env, "--port", "0"]
    args += ["--set", "paper_rate_per_s=10", "--set", "real_rate_per_s=10"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url, env
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_spec_built_client_walks_a_session(sim_process: tuple[str, str]) -> None:
    url, env = sim_process
    done = subprocess.run(
        [sys.executable, str(SCRIPT), url, env, "9"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["env"] == env
    assert summary["overseas"]["revise"] != summary["overseas"]["order"]
    if env == "paper":
        assert summary["reservation"]["paper_refusal"]
    else:
        assert summary["reservation"]["sequence"]
