"""Where app keys, app secrets and account numbers are kept: the OS keychain, or memory.

`SecretStore` has the same shape as the api layer's `TokenStore` protocol (get/set/delete by key),
so either implementation can also hold the cached access token. `KeyringStore` wraps `keyring`;
`MemoryStore` serves tests and the demo environment. Keys are plain names such as "real:appkey";
values are never logged or put into exception messages.

keyring calls block and may show an OS prompt: call these from a worker thread
(`asyncio.to_thread`) or before the window opens (style.md B.5).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import keyring
import keyring.errors

from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env
from kisdesk.app.logs import register_credentials

log = logging.getLogger(__name__)

SERVICE = "kisdesk"


class SecretStoreUnavailableError(RuntimeError):
    """The OS keychain cannot be used; the message says why in words meant for the user."""


class SecretStore(Protocol):
    """A small key -> secret mapping (structurally the api layer's TokenStore)."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...


class MemoryStore:
    """Secrets held in this process only; forgotten at exit."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def set(self, key: str, value: str) -> None:
        self._values[key] = value

    def delete(self, key: str) -> None:
        self._values.pop(key, None)

    def __repr__(self) -> str:
        return f"MemoryStore(keys={sorted(self._values)})"  # names only, never values


class KeyringStore:
    """Secrets in the OS keychain through `keyring`, one entry per key under one service name."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def get(self, key: str) -> str | None:
        try:
            value: str | None = keyring.get_password(self.service, key)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from exc
        return value

    def set(self, key: str, value: str) -> None:
        try:
            keyring.set_password(self.service, key, value)
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from exc
        log.debug("stored secret %r in the keychain (service %r)", key, self.service)

    def delete(self, key: str) -> None:
        """Remove `key`; removing a key that is not there is not an error."""
        try:
            keyring.delete_password(self.service, key)
        except keyring.errors.PasswordDeleteError:
            return  # backends raise this for a missing entry: already the outcome the caller wanted
        except keyring.errors.KeyringError as exc:
            raise _unavailable(exc) from exc

    def __repr__(self) -> str:
        return f"KeyringStore(service={self.service!r})"


def _unavailable(exc: keyring.errors.KeyringError) -> SecretStoreUnavailableError:
    if isinstance(exc, keyring.errors.NoKeyringError):
        return SecretStoreUnavailableError(
            "No OS keychain is available (no Secret Service / KWallet on Linux, or no keychain access), "
            "so kisdesk cannot save your app key and secret. Enter them for this session, "
            "or install and unlock a keychain such as gnome-keyring."
        )
    # Name the failure's type only: keyring messages may quote backend details we do not control.
    return SecretStoreUnavailableError(
        f"The OS keychain refused the request ({type(exc).__name__}). "
        "It may be locked: unlock it and try again."
    )


@dataclass(frozen=True, slots=True)
class StoredLogin:
    """One environment's saved login: the app key pair and the account orders go to."""

    credentials: Credentials  # its repr hides the key and the secret
    account: Account


def _key(env: Env, name: str) -> str:
    return f"{env.value}:{name}"


_FIELDS = ("appkey", "appsecret", "account")


def load_credentials(store: SecretStore, env: Env) -> StoredLogin | None:
    """The saved login for `env`; None unless all three parts are stored and still valid."""
    appkey, appsecret, account = (store.get(_key(env, name)) for name in _FIELDS)
    if appkey is None or appsecret is None or account is None:
        return None
    try:
        return StoredLogin(Credentials(appkey, appsecret), Account.parse(account))
    except ValueError:
        # The messages of these ValueErrors state lengths and shapes only, never the values.
        log.warning("the saved %s login is malformed; it has to be entered again", env.name)
        return None


def save_credentials(store: SecretStore, env: Env, appkey: str, appsecret: str, account: str) -> None:
    """Check, then store the three parts for `env` as "<env>:appkey", "<env>:appsecret", "<env>:account".

    Raises ValueError (naming the bad part, not its value) before anything is stored.
    """
    login = StoredLogin(Credentials(appkey, appsecret), Account.parse(account))
    register_credentials(login.credentials)  # masked in every log line before anything can log them
    values = (login.credentials.appkey, login.credentials.appsecret, str(login.account))
    for name, value in zip(_FIELDS, values, strict=True):
        store.set(_key(env, name), value)
