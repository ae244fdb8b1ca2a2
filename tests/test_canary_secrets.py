"""The canary test (order-safety.md G8, rows 17-18): no file the app writes holds a secret.

A child process (this file run as a script) gets its own HOME, XDG_* folders and TMPDIR inside a
temporary tree, and runs a full REAL session at DEBUG (httpx, httpcore and qasync too) against a
REAL-imitating simulator on loopback: the canary app key and secret are saved to the keychain
(`filekeyring`, a JSON file standing in for the OS keychain), the real MainWindow switches to REAL
through the keychain and the confirmation, places an order, lists and cancels it, a token is
issued and refreshed, and finally unhandled exceptions (in a Qt slot and in an asyncio callback)
run the crash path. The child writes the tokens it saw to a side file outside the scanned tree.

The parent then reads EVERY file under that tree — logs, QSettings, crash records, temp and cache
files — and asserts: no canary (app key, app secret, each token; raw, URL-encoded or UTF-16) outside
the keychain file, and the key, the secret and the current token inside it (which proves the
scan would have seen them).
"""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CHILD_TIMEOUT_S = 150
SCENARIO_TIMEOUT_S = 90
ACCOUNT = "12345678-01"


def _canary(prefix: str, length: int) -> str:
    # Letters, digits and the base64 extras "+/": the last two change under URL encoding.
    alphabet = string.ascii_letters + string.digits + "+/"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length - len(prefix)))


def _forms(value: str) -> dict[str, bytes]:
    """The byte sequences a leak of `value` could take in a file."""
    return {
        "raw": value.encode("utf-8"),
        "url-encoded": urllib.parse.quote(value, safe="").encode("ascii"),
        "utf-16": value.encode("utf-16-le"),  # QSettings/registry-style storage, Windows logs
    }


def _scan(tree: Path, canaries: dict[str, str]) -> dict[Path, list[str]]:
    """{file: ["appkey (raw)", …]} for every file under `tree` holding a canary in any form."""
    hits: dict[Path, list[str]] = {}
    for path in sorted(tree.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        found = [
            f"{name} ({form})"
            for name, value in canaries.items()
            for form, needle in _forms(value).items()
            if needle in data
        ]
        if found:
            hits[path] = found
    return hits


@pytest.mark.skipif(sys.platform == "win32", reason="user folders come from the registry, not XDG/HOME")
@pytest.mark.timeout(CHILD_TIMEOUT_S + 30)
def test_no_canary_secret_in_any_file_the_app_writes(tmp_path: Path) -> None:
    tree = tmp_path / "user"
    folders = {
        "HOME": tree / "home",
        "XDG_CONFIG_HOME": tree / "config",
        "XDG_DATA_HOME": tree / "data",
        "XDG_STATE_HOME": tree / "state",
        "XDG_CACHE_HOME": tree / "cache",
        "XDG_RUNTIME_DIR": tree / "runtime",
        "TMPDIR": tree / "tmp",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, mode=0o700)
    keychain = tree / "data" / "keychain" / "test-keyring.json"
    side = tmp_path / "side.json"  # outside the scanned tree: the child's findings, tokens included
    appkey = _canary("CANARYKEY", 36)
    appsecret = _canary("CANARYSECRET", 180)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "KISDESK_"))},
        **{name: str(path) for name, path in folders.items()},
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "filekeyring.FileKeyring",
        "KISDESK_TEST_KEYRING_FILE": str(keychain),
        "CANARY_APPKEY": appkey,
        "CANARY_APPSECRET": appsecret,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(side)],
        cwd=folders["HOME"],  # a relative path written by mistake lands inside the scanned tree
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    found = json.loads(side.read_text(encoding="utf-8"))
    tokens: list[str] = found["tokens"]
    assert len(tokens) == 2
    assert tokens[0] != tokens[1], "the token was not refreshed"
    canaries = {"appkey": appkey, "appsecret": appsecret} | {f"token{i}": t for i, t in enumerate(tokens)}

    hits = _scan(tree, canaries)
    in_keychain = hits.pop(keychain, [])
    assert hits == {}, f"canary secrets written outside the keychain: {hits}"
    # Each canary is in the keychain (tokens: the first one was replaced by the refresh).
    for name in ("appkey", "appsecret", "token1"):
        assert f"{name} (raw)" in in_keychain, f"the scan did not find {name} where it must be"
    # Nor anything the child printed (stderr carries the same log lines at DEBUG).
    output = (result.stdout + result.stderr).encode("utf-8")
    assert [name for name, value in canaries.items() if value.encode("utf-8") in output] == []

    log_file = Path(found["log_file"])
    assert log_file.is_relative_to(folders["XDG_STATE_HOME"])
    log_text = log_file.read_text(encoding="utf-8")
    assert "CRITICAL kisdesk.crash: unexpected error" in log_text
    assert "RuntimeError: forced crash in a Qt slot" in log_text
    assert "ValueError: forced crash in an asyncio callback" in log_text
    assert "***" in log_text
    assert "DEBUG httpcore" in log_text  # the DEBUG run really logged the HTTP internals
    assert "DEBUG qasync" in log_text
    assert "/uapi/overseas-stock/v1/trading/order" in log_text
    assert (folders["XDG_CONFIG_HOME"] / "kisdesk" / "kisdesk.conf").is_file()  # QSettings was scanned
    assert found["dialog_errors"] == 2
    assert found["dialog_clean"] is True
    assert found["clipboard_clean"] is True


# --- the child -------------------------------------------------------------------------------------


def _child(side: Path) -> int:
    """Run the session described in the module docstring; write the findings to `side`."""
    import asyncio
    import logging

    import qasync  # noqa: TID251  (the child is a GUI process: Qt is the point)
    import shiboken6
    from PySide6.QtCore import QSettings  # noqa: TID251
    from PySide6.QtWidgets import QApplication  # noqa: TID251

    from kisdesk.api.enums import Env, TrFamily
    from kisdesk.app.logs import QUIET_LOGGERS, setup_logging
    from kisdesk.app.secrets import KeyringStore, save_credentials
    from kisdesk.simulator.engine import Engine
    from kisdesk.simulator.server import SimServer
    from kisdesk.simulator.settings import SimSettings
    from kisdesk.ui.app import install_excepthook, install_loop_handler

    appkey, appsecret = os.environ["CANARY_APPKEY"], os.environ["CANARY_APPSECRET"]
    app = QApplication([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)  # as kisdesk.ui.app does: the scenario ends the loop, not Qt
    log_file = setup_logging(logging.DEBUG)  # the per-user folder: under the test's XDG_STATE_HOME
    for name in QUIET_LOGGERS:  # httpx, httpcore, qasync …: their DEBUG lines hold request internals
        logging.getLogger(name).setLevel(logging.DEBUG)
    install_excepthook()

    settings = SimSettings()
    # A refresh inside the test's seconds must be allowed and must yield a new token value.
    settings.update(token_min_interval_s=0, token_reuse_window_s=0, real_rate_per_s=200)
    server = SimServer(Engine(TrFamily.REAL, settings))
    url = server.start()
    save_credentials(KeyringStore(), Env.REAL, appkey, appsecret, ACCOUNT)

    loop = qasync.QEventLoop(app)
    install_loop_handler(loop)
    asyncio.set_event_loop(loop)
    found: dict[str, object] = {"log_file": str(log_file)}
    holder: list[Any] = []
    try:
        with loop:
            loop.run_until_complete(
                asyncio.wait_for(_scenario(url, appkey, appsecret, found, holder), SCENARIO_TIMEOUT_S)
            )
    finally:
        asyncio.set_event_loop(None)
        for widget in holder:
            shiboken6.delete(widget)
        server.stop()
        QSettings("kisdesk", "kisdesk").sync()
    side.write_text(json.dumps(found), encoding="utf-8")
    return 0


async def _scenario(
    url: str, appkey: str, appsecret: str, found: dict[str, object], holder: list[Any]
) -> None:
    import asyncio
    import logging
    from decimal import Decimal

    from PySide6.QtCore import QSettings, QTimer  # noqa: TID251
    from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: TID251

    from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
    from kisdesk.app.session import Session
    from kisdesk.domain.ticket import OverseasTicket
    from kisdesk.ui import crash_dialog
    from kisdesk.ui.main_window import MainWindow

    log = logging.getLogger("kisdesk.canary")
    window = MainWindow(await Session.open_demo(), QSettings("kisdesk", "kisdesk"), base_urls={Env.REAL: url})
    holder.append(window)
    window.show()

    # REAL through the keychain and the confirmation, as a user gets there.
    prepare = window.request_env(Env.REAL)
    assert prepare is not None
    await prepare
    box = window.real_confirmation
    assert box is not None
    next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()
    assert window.switch_task is not None
    assert await window.switch_task is True
    session = window.session
    assert session.env is Env.REAL

    tokens = [(await session.client.issue_token()).token]
    quote = await session.market.quote(Exchange.NASD, "AAPL")
    assert quote.last is not None
    price = (quote.last / 2).quantize(Decimal("0.01"))  # far below: stays pending
    ticket = OverseasTicket(Env.REAL, Exchange.NASD, "AAPL", Side.BUY, OrderDivision.LIMIT, 1, price)
    await session.orders.submit(ticket)
    await window.refresh_pending()
    pending = await session.orders.pending()
    assert len(pending) == 1
    await session.orders.cancel(pending[0])

    session.client.tokens.min_interval_s = 0  # the refresh happens now, not a minute later
    await session.client.tokens.invalidate()
    tokens.append((await session.client.issue_token()).token)
    await window.refresh_pending()
    assert await session.orders.pending() == []
    found["tokens"] = tokens

    # Lines a careless future change could add: the handlers' filter must hold for them too.
    log.debug(
        "request headers %s",
        {"appkey": appkey, "appsecret": appsecret, "authorization": f"Bearer {tokens[1]}"},
    )
    log.debug("tokenP body %s", json.dumps({"grant_type": "client_credentials", "appkey": appkey}))
    log.debug("tokenP answer %s", json.dumps({"access_token": tokens[1], "token_type": "Bearer"}))
    log.debug("key pair %r / %s", appkey, appsecret)  # unlabeled: masked because they are registered

    def crash_in_slot() -> None:
        raise RuntimeError(f"forced crash in a Qt slot: {appkey} {appsecret} Bearer {tokens[1]}")

    def crash_in_callback() -> None:
        raise ValueError(f"forced crash in an asyncio callback: appkey={appkey} token={tokens[0]}")

    QTimer.singleShot(0, crash_in_slot)
    await _until(lambda: crash_dialog.current_dialog() is not None)
    asyncio.get_running_loop().call_soon(crash_in_callback)
    await _until(lambda: (d := crash_dialog.current_dialog()) is not None and d.errors == 2)
    dialog = crash_dialog.current_dialog()
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.isModal()
    shown = dialog.details + dialog.summary_label.text() + dialog.log_label.text()
    dialog.copy_details()
    clipboard = QApplication.clipboard().text()
    values = (appkey, appsecret, *tokens)
    found["dialog_errors"] = dialog.errors
    found["dialog_clean"] = "forced crash" in shown and not any(v in shown for v in values)
    found["clipboard_clean"] = "Traceback" in clipboard and not any(v in clipboard for v in values)
    dialog.close()

    window.close()
    await window.aclose()


async def _until(condition: Callable[[], bool]) -> None:
    """Poll: the crash dialog is shown by Qt signals, which give nothing to await."""
    import asyncio

    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(_child(Path(sys.argv[2])))
    sys.exit("usage: test_canary_secrets.py --child SIDE_FILE (run by the test, not by hand)")
