"""`kisdesk --self-test`: the order round trip on the embedded simulator, the keychain probe, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from kisdesk.app import selftest
from kisdesk.app.selftest import KeyringReport, SelfTestReport, probe_os_keyring, run_self_test
from kisdesk.app.session import Session

REPO_ROOT = Path(__file__).resolve().parents[2]
OK_LINE = re.compile(
    r"^kisdesk self-test: OK \(order (\d{10}) placed, listed, revised -> (\d{10}), cancelled; "
    r"keyring: .+\) in \d+\.\d\d s$"
)


async def _memory_keyring() -> KeyringReport:
    return KeyringReport("memkeyring.MemoryKeyring")


async def test_the_round_trip_passes_on_the_demo_simulator() -> None:
    report = await run_self_test(probe_keyring=_memory_keyring)
    assert report.ok, report.line
    assert report.exit_code == 0
    match = OK_LINE.match(report.line)
    assert match is not None, report.line
    assert match.group(1) != match.group(2)  # a revise gets a new order number
    assert report.steps == [
        "demo",
        "quote",
        "place",
        "list",
        "revise",
        "list revised",
        "cancel",
        "check cancelled",
        "keyring",
    ]
    assert "keyring: memkeyring.MemoryKeyring)" in report.line


async def test_a_keyring_warning_is_not_a_failure() -> None:
    async def no_keychain() -> KeyringReport:
        return KeyringReport("fail", warning="no OS keychain")

    report = await run_self_test(probe_keyring=no_keychain)
    assert report.ok
    assert "keyring: fail (WARNING: no OS keychain)" in report.line


async def test_a_keyring_failure_fails_the_self_test() -> None:
    async def broken() -> KeyringReport:
        return KeyringReport("SecretService", failure="SecretService raised RuntimeError: boom")

    report = await run_self_test(probe_keyring=broken)
    assert not report.ok
    assert report.exit_code == 1
    assert report.line == "kisdesk self-test: FAILED (keyring: SecretService raised RuntimeError: boom)"


async def test_a_failing_step_is_named_and_the_session_still_closes() -> None:
    closed: list[bool] = []

    async def open_broken() -> Session:
        session = await Session.open_demo()
        close = session.close

        async def recorded_close(*, force: bool = False) -> None:
            await close(force=force)
            closed.append(force)

        session.close = recorded_close  # type: ignore[method-assign]

        async def refuse(*_args: object, **_kwargs: object) -> object:
            raise RuntimeError("rejected by the test\nsecond line is dropped")

        session.orders.revise = refuse  # type: ignore[method-assign,assignment]
        return session

    report = await run_self_test(open_session=open_broken, probe_keyring=_memory_keyring)
    assert report.line == "kisdesk self-test: FAILED (revise: RuntimeError: rejected by the test)"
    assert report.steps == ["demo", "quote", "place", "list"]
    assert closed == [True]


async def test_a_session_that_cannot_open_fails_at_the_first_step() -> None:
    async def cannot_open() -> Session:
        raise OSError("no loopback")

    report = await run_self_test(open_session=cannot_open, probe_keyring=_memory_keyring)
    assert report.line == "kisdesk self-test: FAILED (demo: OSError: no loopback)"


def test_the_report_line_formats() -> None:
    ok = SelfTestReport(ok=True, seconds=0.4123, summary="done")
    assert ok.line == "kisdesk self-test: OK (done) in 0.41 s"
    assert SelfTestReport(ok=False, seconds=1.0, failure="x: y").line == "kisdesk self-test: FAILED (x: y)"


# --- the keychain probe, against real keyring backends --------------------------------------------


class _RaisingKeyring(KeyringBackend):
    priority = 1

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


async def test_the_test_keyring_is_reported_by_name() -> None:
    report = await probe_os_keyring()
    assert report == KeyringReport("memkeyring.MemoryKeyring")


@pytest.mark.usefixtures("restore_keyring")
async def test_no_keychain_is_a_warning() -> None:
    keyring.set_keyring(fail.Keyring())
    report = await probe_os_keyring()
    assert report.backend == "fail"
    assert report.warning
    assert not report.failure


@pytest.mark.usefixtures("restore_keyring")
async def test_a_locked_keychain_is_a_warning() -> None:
    keyring.set_keyring(_RaisingKeyring(keyring.errors.KeyringLocked("locked")))
    report = await probe_os_keyring()
    assert report.warning.startswith("The OS keychain refused the request (KeyringLocked)")
    assert not report.failure


@pytest.mark.usefixtures("restore_keyring")
async def test_an_unexpected_exception_is_a_failure() -> None:
    keyring.set_keyring(_RaisingKeyring(ValueError("dbus exploded")))
    report = await probe_os_keyring()
    assert report.failure.endswith("test_selftest._RaisingKeyring raised ValueError: dbus exploded")


@pytest.mark.usefixtures("restore_keyring")
async def test_a_keychain_that_never_answers_times_out_as_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    release = threading.Event()

    class Hanging(_RaisingKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            release.wait(5)
            return None

    keyring.set_keyring(Hanging(RuntimeError()))
    try:
        report = await probe_os_keyring(limit_s=0.05)
    finally:
        release.set()
    assert report.warning == "no answer within 0 s (locked?)"


# --- the command line ---------------------------------------------------------------------------


def _cli_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # never a developer's keychain
    env.pop("QT_QPA_PLATFORM", None)  # the self-test needs no display at all
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def test_python_m_kisdesk_self_test_prints_one_ok_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kisdesk", "--self-test"],
        cwd=REPO_ROOT,
        env=_cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert OK_LINE.match(lines[0]), lines[0]
    assert "keyring: fail (WARNING:" in lines[0]
    assert "Traceback" not in result.stderr


def test_the_self_test_never_imports_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from kisdesk.__main__ import main\n"
        "rc = main(['--self-test'])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync'))\n"
        "print('qt modules:', qt)\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=_cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "qt modules: []"


def test_main_prints_the_line_and_returns_the_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def failing() -> SelfTestReport:
        return SelfTestReport(ok=False, seconds=0.1, failure="place: nope")

    monkeypatch.setattr(selftest, "run_self_test", failing)
    assert selftest.main() == 1
    assert capsys.readouterr().out == "kisdesk self-test: FAILED (place: nope)\n"
