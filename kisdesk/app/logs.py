"""Where kisdesk's log goes, and the redaction every log line passes through (order-safety.md G8, rows 17-18).

Owns:

* `setup_logging(level, log_dir)`: a size-rotated file in the per-user log folder
  (platformdirs.user_log_dir("kisdesk"), private to the user) plus stderr, both behind the same
  `RedactingFilter` and `RedactingFormatter`. httpx/httpcore stay at WARNING unless asked otherwise.
  `start_logging` is its first half for the app's start-up (issue 5): stderr at once, and the
  records meant for the file held in memory (already redacted) until `open_log_file()`, which the
  app calls after its first paint, or until logging shuts down. The file's imports (logging.handlers,
  platformdirs) and its folder checks then cost nothing before the window shows.
* the registry of secret *values* (`register_secret`, `register_credentials`): the app key, app secret
  and every access token, registered as they become known, so that even an unlabeled occurrence (in a
  URL, a repr, an exception text) is masked, not only `name=value` pairs that `api.errors.redact` sees.
* `scrub(text)`: registered values first, then `redact()`'s name/value and Bearer patterns. The crash
  dialog and crash reports use it too, so a screen, a clipboard and a log file say the same thing.

Nothing here imports Qt: the ui layer shows crash reports, this module only makes them safe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from io import TextIOWrapper
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from kisdesk.api.errors import SECRET_NAMES, redact

# The log file's own imports load in `open_log_file`, after the first paint (issue 5).
if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

    from kisdesk.api.credentials import Credentials

APP_NAME: Final = "kisdesk"
LOG_FILE_NAME: Final = "kisdesk.log"
MAX_BYTES: Final = 1_000_000
BACKUP_COUNT: Final = 5
FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK: Final = "***"
# A registered value shorter than this would mask ordinary words and numbers all over the log;
# every real KIS secret is far longer (appkey 36, appsecret 180, token ~350 characters).
MIN_SECRET_LENGTH: Final = 16
# Libraries whose INFO/DEBUG lines tell a user nothing and carry request internals: httpcore's
# DEBUG lines hold raw response headers, qasync's DEBUG lines the repr of every callback handed to
# a worker thread (arguments included: a token record passed to the keychain). Quiet by default;
# the filter still holds if someone turns them up (the canary test runs them all at DEBUG).
QUIET_LOGGERS: Final = ("httpx", "httpcore", "hpack", "qasync")

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
_log_file: Path | None = None
_installed: list[logging.Handler] = []  # what setup_logging added, so a second call replaces them
_log_dir: Path | None = None  # start_logging's folder, for open_log_file; None: the per-user one


# --- secret values ---------------------------------------------------------------------------------


def register_secret(value: str | None) -> None:
    """Mask `value` (and its URL-encoded forms) in every log line and crash report from now on.

    Safe from any thread and cheap to call repeatedly with the same value. None, empty and short
    values are ignored: masking "01" would garble every number in the log.
    """
    global _secrets
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    import urllib.parse  # first needed when credentials arrive, after the first paint

    # A value can show up percent-encoded, e.g. base64 "+/=" in a query string.
    forms = {value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value, safe="")}
    with _lock:
        if not forms <= _secrets:
            _secrets = _secrets | forms


def register_credentials(credentials: Credentials) -> None:
    """Register an app key pair (the call Session.open and the credentials flow make)."""
    for value in credentials.secrets():
        register_secret(value)


def registered_secret_count() -> int:
    """How many values (with their encoded forms) are masked; for tests and diagnostics."""
    return len(_secrets)


def forget_secrets() -> None:
    """Drop every registered value (tests only: the app never forgets a secret while running)."""
    global _secrets
    with _lock:
        _secrets = frozenset()


# redact() knows `name: value` and `name=value`; httpcore logs headers as a list of
# (b'name', b'value') tuples, which only this pattern sees.
_HEADER_TUPLE: Final = re.compile(
    r"""(?ix)
    (\(\s*b?(['"])(?:"""
    + "|".join(SECRET_NAMES)
    + r""")\2\s*,\s*b?)   # (b'appkey', b
    (['"])(?:(?!\3).)*\3   # 'value'
    """
)


def scrub(text: str) -> str:
    """`text` with every registered secret value and every secret-looking name/value pair masked."""
    values = _secrets  # one snapshot: registration from another thread must not change it midway
    # Longest first, so a value that contains another registered value is masked whole.
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    text = _HEADER_TUPLE.sub(lambda m: f"{m.group(1)}{m.group(3)}{MASK}{m.group(3)}", text)
    return redact(text)


# --- logging pieces --------------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Rewrites a record so no handler after it can see a secret: message, traceback and stack.

    Attached to every handler, not to loggers: a logger's filter never sees records propagated
    from child loggers (httpx, httpcore, asyncio …), while a handler's filter sees them all.
    The message is formatted here, once, because a secret often sits in `record.args` (a header
    dict, a URL) and would come back if a formatter merged the args later.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Records are shared by all handlers; a second handler's filter would redo the same work.
        if getattr(record, "_kisdesk_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad %-format in someone's log call; the record stays, without its args
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info is not None and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            # Formatters print exc_text when it is set; the raw exception (whose args and
            # __notes__ may hold secrets) must not be formatted again by any of them.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        record.__dict__["_kisdesk_redacted"] = True
        return True


class RedactingFormatter(logging.Formatter):
    """A Formatter whose final line is scrubbed again: covers custom format fields a filter misses."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


_FORMATTER: Final = logging.Formatter(FORMAT)


def _rotating_handler(path: Path) -> RotatingFileHandler:
    """A RotatingFileHandler on `path` whose files are readable by the user only (OWASP DA5)."""
    from logging.handlers import RotatingFileHandler

    class _PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self) -> TextIOWrapper:
            stream = super()._open()
            _make_private(Path(self.baseFilename), 0o600)
            return stream

    return _PrivateRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
    )


class _EarlyRecords(logging.Handler):
    """Stands in for the log file until `open_log_file`: keeps every record it is handed.

    It carries the RedactingFilter like any other handler, so what it keeps is already scrubbed.
    Whatever it still holds when logging shuts down (the app ended before its first paint) goes
    to the file then. Once the file is open it forwards, for a record that reached it on another
    thread while the two were being swapped.
    """

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.target: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.target is not None:
            self.target.handle(record)
        else:
            self.records.append(record)

    def hand_over(self, target: logging.Handler) -> None:
        """Replay the kept records into `target` and forward to it from now on."""
        self.acquire()
        try:
            for record in self.records:
                target.handle(record)
            self.records.clear()
            self.target = target
        finally:
            self.release()

    def close(self) -> None:
        self.acquire()
        try:
            if self.target is None and self.records:
                self._append_to_file()
        finally:
            self.release()
        super().close()

    def _append_to_file(self) -> None:
        # Logging shuts down before the file was opened: append what is kept, without building a
        # rotating handler at exit (logging.handlers and its imports); the next start rotates if due.
        path = _prepare_log_file(_log_dir if _log_dir is not None else default_log_dir())
        formatter = self.formatter if self.formatter is not None else RedactingFormatter(FORMAT)
        with path.open("a", encoding="utf-8") as stream:
            for record in self.records:
                stream.write(formatter.format(record) + "\n")
        self.records.clear()


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a record arrives, and to nothing when there is none.

    A windowed build (PyInstaller --windowed, pythonw) starts with sys.stderr = None, and test
    runners swap sys.stderr: binding the stream once at start-up would fail in both cases.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        if self._current():
            super().emit(record)

    def flush(self) -> None:
        if self._current():
            super().flush()

    def _current(self) -> bool:
        stream: TextIO | None = sys.stderr
        if stream is None:
            return False
        self.stream = stream
        return True


def _make_private(path: Path, mode: int) -> None:
    # POSIX permissions; Windows ignores all but the read-only bit and the profile folder is private.
    with contextlib.suppress(OSError):
        path.chmod(mode)


def default_log_dir() -> Path:
    """The per-user log folder, e.g. ~/.local/state/kisdesk/log on Linux."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path | None:
    """The file kisdesk logs to, or None before logging was set up.

    Asked between `start_logging` and `open_log_file` (a crash report before the first paint),
    it opens the file first: a report must point at a file that holds the lines.
    """
    if _log_file is None and _early() is not None:
        return open_log_file()
    return _log_file


def setup_logging(
    level: int | str = logging.INFO,
    log_dir: Path | None = None,
    *,
    http_level: int | str = logging.WARNING,
    stderr_level: int | str | None = None,
) -> Path:
    """Log to a rotating file (1 MB x 5) in `log_dir` and to stderr; return the log file's path.

    Calling it again replaces the handlers it installed before (tests, a changed level). Handlers
    someone else put on the root logger get the redacting filter too. If the log folder cannot be
    created, the file goes to a private folder in the temp directory instead: a read-only profile
    must not stop the app.
    """
    start_logging(level, log_dir, http_level=http_level, stderr_level=stderr_level)
    return open_log_file()


def start_logging(
    level: int | str = logging.INFO,
    log_dir: Path | None = None,
    *,
    http_level: int | str = logging.WARNING,
    stderr_level: int | str | None = None,
) -> None:
    """`setup_logging` without opening the file yet: stderr now, the file's records kept in memory
    until `open_log_file()` (or until logging shuts down). Redaction applies from the first record."""
    global _log_file, _log_dir
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
    _log_file = None
    _log_dir = log_dir

    formatter = RedactingFormatter(FORMAT)
    early = _EarlyRecords()
    stderr_handler = _StderrHandler()
    stderr_handler.setLevel(stderr_level if stderr_level is not None else level)
    for handler in (early, stderr_handler):
        handler.setFormatter(formatter)
        root.addHandler(handler)
        _installed.append(handler)
    root.setLevel(level)
    attach_filter(root.handlers)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(http_level)
    # Warnings (DeprecationWarning from a library …) become log records and pass the same filter.
    logging.captureWarnings(True)


def open_log_file() -> Path:
    """Open the rotating file `start_logging` deferred, with every record kept so far, in order;
    return its path. Does nothing more once the file is open."""
    global _log_file
    early = _early()
    if early is None:
        if _log_file is None:
            raise RuntimeError("call start_logging() first")
        return _log_file
    path = _prepare_log_file(_log_dir if _log_dir is not None else default_log_dir())
    handler = _file_handler(path)
    attach_filter([handler])
    early.hand_over(handler)
    root = logging.getLogger()
    # One list slot changes, so a record logged meanwhile on another thread meets exactly one of
    # the two (the early handler forwards what it still receives).
    with contextlib.suppress(ValueError):
        root.handlers[root.handlers.index(early)] = handler
    _installed[_installed.index(early)] = handler
    early.close()
    _log_file = path
    return path


def _early() -> _EarlyRecords | None:
    return next((h for h in _installed if isinstance(h, _EarlyRecords)), None)


def _file_handler(path: Path) -> logging.Handler:
    handler = _rotating_handler(path)
    handler.setFormatter(RedactingFormatter(FORMAT))
    return handler


def attach_filter(handlers: Iterable[logging.Handler]) -> None:
    """Put a RedactingFilter on each handler that has none yet."""
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def _prepare_log_file(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _make_private(folder, 0o700)
        path = folder / LOG_FILE_NAME
        # Touch with 0600 first, so not even the first line is ever world-readable.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        return path
    except OSError:
        import tempfile

        fallback = Path(tempfile.gettempdir()) / f"{APP_NAME}-{_user_tag()}-log"
        fallback.mkdir(mode=0o700, parents=True, exist_ok=True)
        return fallback / LOG_FILE_NAME


def _user_tag() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else os.environ.get("USERNAME", "user")
