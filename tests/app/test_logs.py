"""kisdesk.app.logs: the rotating log file, and the redaction every handler applies (order-safety.md row 18).

Each secret kind KIS uses (header names, token-request and token-answer bodies, Bearer tokens, and
registered values that appear unlabeled in a URL, a repr or an exception) is logged through the real
handlers, and the file and stderr output are checked. Also here: no code path disables TLS
verification in any of the forms the plain `verify=False` grep of tests/api cannot see.
"""

from __future__ import annotations

import ast
import json
import logging
import stat
import sys
import tempfile
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

import kisdesk
from kisdesk.api.credentials import Credentials
from kisdesk.api.errors import SECRET_NAMES
from kisdesk.app import logs
from kisdesk.app.logs import (
    RedactingFilter,
    forget_secrets,
    register_credentials,
    register_secret,
    scrub,
    setup_logging,
)

APPKEY = "PSlogTESTappkey" + "K" * 21
APPSECRET = "logTESTsecret+/" + "S" * 165
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ0b2tlbiJ9." + "T" * 80
APPROVAL_KEY = "approval-" + "a" * 27
PERSONAL_SECRET = "personal-" + "p" * 40
ALL_SECRETS = (APPKEY, APPSECRET, TOKEN, APPROVAL_KEY, PERSONAL_SECRET)


@pytest.fixture
def logged(restored_logging: None, tmp_path: Path) -> Path:
    """setup_logging into tmp_path at DEBUG; afterwards the root logger is as pytest left it."""
    return setup_logging(logging.DEBUG, tmp_path / "logs")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Whatever the test sets up, the root logger is as pytest left it afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}
    forget_secrets()
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:  # pytest's own handlers got the filter too: take it off again
            for f in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(f)
        root.setLevel(level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)
        logging.captureWarnings(False)
        forget_secrets()


def _output(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8"), capsys.readouterr().err


def _assert_clean(text: str) -> None:
    leaked = [secret[:12] for secret in ALL_SECRETS if secret in text]
    assert leaked == [], f"secrets in the log output: {leaked}"


def test_the_log_rotates_in_a_private_file(logged: Path, tmp_path: Path) -> None:
    assert logged == tmp_path / "logs" / "kisdesk.log"
    assert logs.log_file() == logged
    root = logging.getLogger()
    rotating = [h for h in root.handlers if isinstance(h, RotatingFileHandler)]
    assert len(rotating) == 1
    assert (rotating[0].maxBytes, rotating[0].backupCount) == (1_000_000, 5)
    assert any(type(h).__name__ == "_StderrHandler" for h in root.handlers)
    if sys.platform != "win32":
        assert stat.S_IMODE(logged.stat().st_mode) == 0o600
        assert stat.S_IMODE(logged.parent.stat().st_mode) == 0o700


def test_every_handler_gets_the_filter_and_a_second_setup_replaces_ours(logged: Path, tmp_path: Path) -> None:
    root = logging.getLogger()
    assert all(any(isinstance(f, RedactingFilter) for f in h.filters) for h in root.handlers)
    count = len(root.handlers)
    setup_logging(logging.INFO, tmp_path / "other")
    assert len(root.handlers) == count
    assert logs.log_file() == tmp_path / "other" / "kisdesk.log"


def test_http_libraries_are_quiet_by_default(logged: Path) -> None:
    for name in ("httpx", "httpcore", "qasync"):
        assert logging.getLogger(name).level == logging.WARNING


@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        pytest.param(
            "httpcore.http11",
            "send_request_headers.started headers=%s",
            (
                {
                    "content-type": "application/json",
                    "authorization": f"Bearer {TOKEN}",
                    "appkey": APPKEY,
                    "appsecret": APPSECRET,
                    "tr_id": "TTTT1002U",
                },
            ),
            id="header-dict",
        ),
        pytest.param(
            "httpcore.http11",
            "raw headers %r",
            ([(b"authorization", f"Bearer {TOKEN}".encode()), (b"appkey", APPKEY.encode())],),
            id="header-bytes-pairs",
        ),
        pytest.param(
            "kisdesk.api",
            "tokenP body %s",
            (json.dumps({"grant_type": "client_credentials", "appkey": APPKEY, "appsecret": APPSECRET}),),
            id="token-request-json",
        ),
        pytest.param(
            "kisdesk.api",
            "approval body %s",
            (json.dumps({"grant_type": "client_credentials", "appkey": APPKEY, "secretkey": APPSECRET}),),
            id="approval-request-json",
        ),
        pytest.param(
            "kisdesk.api",
            "tokenP answer %s",
            (json.dumps({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 86400}),),
            id="token-answer-json",
        ),
        pytest.param(
            "kisdesk.api",
            "websocket %s",
            (json.dumps({"approval_key": APPROVAL_KEY, "personalseckey": PERSONAL_SECRET}),),
            id="websocket-keys",
        ),
        pytest.param("httpx", "Authorization: Bearer %s", (TOKEN,), id="bearer"),
        pytest.param(
            "httpx",
            "HTTP Request: GET %s",
            (f"http://127.0.0.1:9443/callback?state=1&token={TOKEN}",),
            id="url-query-token",
        ),
    ],
)
def test_labeled_secrets_are_masked_even_unregistered(
    logged: Path, capsys: pytest.CaptureFixture[str], logger: str, message: str, args: tuple[object, ...]
) -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # the filter must hold at DEBUG too
    logging.getLogger("httpcore").setLevel(logging.DEBUG)
    logging.getLogger(logger).debug(message, *args)
    text, err = _output(logged, capsys)
    _assert_clean(text)
    _assert_clean(err)
    assert "***" in text
    assert logger in text  # the line itself was kept, only the values went


def test_registered_values_are_masked_where_no_name_labels_them(
    logged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register_credentials(Credentials(APPKEY, APPSECRET))
    register_secret(TOKEN)
    log = logging.getLogger("kisdesk.test")
    log.info("callback http://127.0.0.1:1/cb/%s/done", TOKEN)  # a token in a URL path
    log.info("repr %r", (APPKEY, APPSECRET))  # a tuple's repr: no names at all
    log.info("query ?k=%s", APPSECRET.replace("+", "%2B").replace("/", "%2F"))  # percent-encoded
    text, err = _output(logged, capsys)
    _assert_clean(text + err)
    assert "%2B" not in text
    assert text.count("***") >= 4


def test_an_exception_holding_a_registered_secret_is_masked_with_its_cause(
    logged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register_secret(APPKEY)
    register_secret(TOKEN)
    log = logging.getLogger("kisdesk.test")
    try:
        try:
            raise KeyError(f"no such key {APPKEY}")
        except KeyError as inner:
            raise RuntimeError(f"request to /cb/{TOKEN} failed") from inner
    except RuntimeError:
        log.exception("while refreshing")
    text, err = _output(logged, capsys)
    _assert_clean(text + err)
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: request to /cb/*** failed" in text
    assert "The above exception was the direct cause" in text


def test_the_record_is_rewritten_once_for_every_later_handler(logged: Path) -> None:
    register_secret(TOKEN)
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token %s", (TOKEN,), None)
    assert RedactingFilter().filter(record)
    assert record.args is None
    assert TOKEN not in record.getMessage()
    # a formatter without the redaction, after the filter: nothing left to leak
    assert TOKEN not in logging.Formatter("%(message)s").format(record)


def test_a_broken_format_string_keeps_the_line(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("kisdesk.test").warning("two args %s %s", TOKEN)  # one missing
    text, _err = _output(logged, capsys)
    assert "unformattable arguments" in text


# --- start-up: stderr at once, the file after the first paint (issue 5) ---------------------------


@pytest.mark.usefixtures("restored_logging")
def test_records_before_the_file_opens_reach_it_redacted_and_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "logs"
    logs.start_logging(logging.DEBUG, folder)
    register_secret(TOKEN)
    log = logging.getLogger("kisdesk.test")
    log.info("first, token %s", TOKEN)
    log.warning("second, %r", {"appkey": APPKEY})
    assert not folder.exists()  # nothing touched the disk yet
    err = capsys.readouterr().err
    assert "first, token ***" in err  # stderr from the first record on, redacted
    _assert_clean(err)

    path = logs.open_log_file()
    assert path == folder / "kisdesk.log"
    assert logs.open_log_file() == path  # once open, it stays the same file
    log.info("third")
    text, err = _output(path, capsys)
    lines = [line for line in text.splitlines() if "kisdesk.test" in line]
    assert [line.split(": ", 1)[1] for line in lines] == [
        "first, token ***",
        """second, {'appkey': "***"}""",
        "third",
    ]
    _assert_clean(text)
    assert [type(h).__name__ for h in logging.getLogger().handlers].count("_EarlyRecords") == 0


@pytest.mark.usefixtures("restored_logging")
def test_records_kept_when_logging_shuts_down_still_reach_the_file(tmp_path: Path) -> None:
    # The app closed (or failed) before its first paint: logging's exit hook closes every handler.
    folder = tmp_path / "logs"
    logs.start_logging(logging.INFO, folder, stderr_level=logging.CRITICAL)
    register_secret(TOKEN)
    logging.getLogger("kisdesk.test").error("before the paint %s", TOKEN)
    for handler in list(logging.getLogger().handlers):
        handler.close()
    text = (folder / "kisdesk.log").read_text(encoding="utf-8")
    assert "ERROR kisdesk.test: before the paint ***" in text
    _assert_clean(text)


@pytest.mark.usefixtures("restored_logging")
def test_asking_for_the_log_file_before_the_paint_opens_it(tmp_path: Path) -> None:
    # A crash report before the first paint names the file: it must exist and hold the lines.
    logs.start_logging(logging.INFO, tmp_path / "logs", stderr_level=logging.CRITICAL)
    logging.getLogger("kisdesk.test").warning("early")
    path = logs.log_file()
    assert path == tmp_path / "logs" / "kisdesk.log"
    assert "WARNING kisdesk.test: early" in path.read_text(encoding="utf-8")


def test_short_values_are_not_registered() -> None:
    forget_secrets()
    register_secret("01")
    register_secret("")
    register_secret(None)
    assert logs.registered_secret_count() == 0
    assert scrub("account 12345678-01") == "account 12345678-01"


def test_scrub_masks_every_secret_name_kis_uses() -> None:
    for name in SECRET_NAMES:
        assert "hunter2value" not in scrub(f'{{"{name}": "hunter2value"}}'), name


def test_an_unusable_log_folder_falls_back_to_a_private_temp_folder(
    logged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = setup_logging(logging.INFO, blocker / "logs")
    assert path.parent.parent == tmp_path / "tmp"
    assert path.name == "kisdesk.log"


# --- TLS ------------------------------------------------------------------------------------------


def _tls_offences(source: str) -> list[str]:
    """Ways to turn TLS verification off that a `verify=False` text grep misses."""
    offences = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "verify":
            if not (isinstance(node.value, ast.Constant) and node.value.value is True):
                offences.append(f"verify={ast.unparse(node.value)}")  # False, 0, a variable …
        elif isinstance(node, ast.Attribute) and node.attr in {"CERT_NONE", "_create_unverified_context"}:
            offences.append(node.attr)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in {"check_hostname", "verify_mode"}:
                    offences.append(f".{target.attr} = {ast.unparse(node.value) if node.value else ''}")
    return offences


def test_no_code_path_weakens_tls_in_any_form() -> None:
    # tests/api/test_client_unit.py greps for the literal `verify=False`; this catches the rest
    # (verify=0, verify=some_flag, ssl.CERT_NONE, check_hostname = False, unverified contexts).
    package = Path(kisdesk.__file__).parent
    found = {
        str(path.relative_to(package)): offences
        for path in sorted(package.rglob("*.py"))
        if (offences := _tls_offences(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_tls_check_sees_each_form() -> None:
    sample = (
        "httpx.AsyncClient(verify=False)\nhttpx.Client(verify=flag)\nctx.check_hostname = False\n"
        "ctx.verify_mode = ssl.CERT_NONE\nssl._create_unverified_context()\nhttpx.Client(verify=True)\n"
    )
    assert len(_tls_offences(sample)) == 6  # CERT_NONE counts as an attribute and in the assignment
