"""SecretStore implementations: keyring round trip, a readable error without a keychain, no leaked secrets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import keyring
import keyring.backends.fail
import pytest

from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env
from kisdesk.app.secrets import (
    KeyringStore,
    MemoryStore,
    SecretStore,
    SecretStoreUnavailableError,
    load_credentials,
    save_credentials,
)

if TYPE_CHECKING:
    from kisdesk.api.auth import TokenStore

SECRET = "S" * 152 + "-do-not-print-this-appsecret"  # 180 characters, as KIS issues them
APPKEY = "PK" + "k" * 34  # 36 characters


@pytest.fixture
def memory_keyring() -> Iterator[object]:
    """The in-memory backend conftest selects, emptied before and after the test."""
    backend = keyring.get_keyring()
    assert type(backend).__name__ == "MemoryKeyring", "conftest must select tests/memkeyring.py"
    backend.entries.clear()  # type: ignore[attr-defined]
    yield backend
    backend.entries.clear()  # type: ignore[attr-defined]


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """keyring as on a headless machine without D-Bus: every call raises NoKeyringError."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_both_stores_fit_the_api_token_store_protocol() -> None:
    stores: list[TokenStore] = [KeyringStore(), MemoryStore()]  # checked by mypy
    assert len(stores) == 2


@pytest.mark.usefixtures("memory_keyring")
def test_keyring_store_round_trip() -> None:
    store = KeyringStore()
    assert store.get("real:appkey") is None
    store.set("real:appkey", "AK-1")
    assert store.get("real:appkey") == "AK-1"
    assert keyring.get_password("kisdesk", "real:appkey") == "AK-1"
    store.delete("real:appkey")
    assert store.get("real:appkey") is None
    store.delete("real:appkey")  # deleting a missing entry is fine


@pytest.mark.usefixtures("no_keychain")
@pytest.mark.parametrize("call", ["get", "set", "delete"])
def test_missing_keychain_becomes_readable_error(call: str) -> None:
    store = KeyringStore()
    args = ("real:appsecret", SECRET) if call == "set" else ("real:appsecret",)
    with pytest.raises(SecretStoreUnavailableError, match="No OS keychain is available") as info:
        getattr(store, call)(*args)
    assert isinstance(info.value.__cause__, keyring.errors.NoKeyringError)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("make_store", [MemoryStore, KeyringStore])
@pytest.mark.usefixtures("memory_keyring")
def test_credentials_are_kept_per_environment(make_store: type[SecretStore]) -> None:
    store = make_store()
    save_credentials(store, Env.PAPER, appkey=APPKEY, appsecret=SECRET, account="50012345-01")
    login = load_credentials(store, Env.PAPER)
    assert login is not None
    assert login.credentials == Credentials(APPKEY, SECRET)
    assert login.account == Account("50012345", "01")
    assert load_credentials(store, Env.REAL) is None
    assert store.get("paper:appkey") == APPKEY
    assert store.get("paper:account") == "50012345-01"


def test_partial_or_malformed_credentials_load_as_none() -> None:
    store = MemoryStore()
    store.set("real:appkey", APPKEY)
    assert load_credentials(store, Env.REAL) is None
    store.set("real:appsecret", "too-short")
    store.set("real:account", "50012345-01")
    assert load_credentials(store, Env.REAL) is None


def test_invalid_credentials_are_not_saved() -> None:
    store = MemoryStore()
    with pytest.raises(ValueError, match="appsecret") as info:
        save_credentials(store, Env.REAL, appkey=APPKEY, appsecret=SECRET[:-1], account="50012345-01")
    assert SECRET[:-1] not in str(info.value)
    assert store.get("real:appkey") is None


@pytest.mark.usefixtures("memory_keyring")
def test_secrets_never_appear_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    store = KeyringStore()
    save_credentials(store, Env.REAL, appkey=APPKEY, appsecret=SECRET, account="12345678-01")
    login = load_credentials(store, Env.REAL)
    memory = MemoryStore()
    memory.set("real:appsecret", SECRET)
    for text in (repr(login), repr(store), repr(memory), caplog.text):
        assert SECRET not in text
        assert APPKEY not in text
