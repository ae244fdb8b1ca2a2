"""CredentialsDialog: every bad field says what is wrong, nothing is stored unless all are valid."""

from __future__ import annotations

import keyring.errors
import pytest
from PySide6.QtCore import Qt

from kisdesk.api.enums import CustType, Env
from kisdesk.app.secrets import KeyringStore, MemoryStore, load_credentials
from kisdesk.ui.credentials_dialog import CredentialsDialog, EnteredCredentials


def _dialog(qtbot, store, env: Env = Env.REAL) -> CredentialsDialog:
    dialog = CredentialsDialog(env, store)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def _fill(dialog: CredentialsDialog, appkey: str, appsecret: str, account: str) -> None:
    dialog.appkey_edit.setText(appkey)
    dialog.appsecret_edit.setText(appsecret)
    dialog.account_edit.setText(account)


def test_each_wrong_field_is_explained_and_nothing_is_saved(qtbot) -> None:
    store = MemoryStore()
    dialog = _dialog(qtbot, store)
    _fill(dialog, "k" * 35, "s" * 181, "1234-56")
    assert dialog.save() is False
    assert "35 characters entered; it must be exactly 36" in dialog.appkey_error.text()
    assert "181 characters entered; it must be exactly 180" in dialog.appsecret_error.text()
    assert "12345678-01" in dialog.account_error.text()
    assert dialog.appkey_error.isVisible()
    assert load_credentials(store, Env.REAL) is None
    assert repr(store) == "MemoryStore(keys=[])"


def test_empty_and_spaced_keys_are_refused(qtbot) -> None:
    dialog = _dialog(qtbot, MemoryStore())
    _fill(dialog, "", "s" * 170 + " " + "s" * 9, "12345678-01")
    assert dialog.save() is False
    assert "Required: 36 characters" in dialog.appkey_error.text()
    assert "no spaces" in dialog.appsecret_error.text()
    assert not dialog.account_error.isVisible()


def test_valid_credentials_are_saved_per_environment(qtbot, canary_keys) -> None:
    store = MemoryStore()
    dialog = _dialog(qtbot, store, Env.PAPER)
    dialog.cust_type_combo.setCurrentIndex(dialog.cust_type_combo.findData(CustType.CORPORATE))
    _fill(dialog, canary_keys[0] + "\n", canary_keys[1], "8765432101")  # a pasted key's newline is trimmed
    with qtbot.waitSignal(dialog.credentials_entered) as signal:
        assert dialog.save() is True
    entered: EnteredCredentials = signal.args[0]
    assert entered.cust_type is CustType.CORPORATE
    assert str(entered.account) == "87654321-01"
    assert entered.store is store
    saved = load_credentials(store, Env.PAPER)
    assert saved is not None
    assert saved.credentials.appkey == canary_keys[0]
    assert load_credentials(store, Env.REAL) is None
    assert dialog.appsecret_edit.text() == ""  # the widget no longer holds the secret
    assert dialog.appsecret_edit.echoMode() == dialog.appsecret_edit.EchoMode.Password


def test_unavailable_keychain_offers_this_session_only(qtbot, monkeypatch, canary_keys) -> None:
    def no_keyring(*_args: object) -> None:
        raise keyring.errors.NoKeyringError("no backend")

    monkeypatch.setattr(keyring, "set_password", no_keyring)
    dialog = _dialog(qtbot, KeyringStore())
    _fill(dialog, canary_keys[0], canary_keys[1], "12345678-01")
    assert not dialog.session_button.isVisible()
    assert dialog.save() is False
    assert "No OS keychain" in dialog.status_label.text()
    assert dialog.session_button.isVisible()
    with qtbot.waitSignal(dialog.credentials_entered) as signal:
        dialog.session_button.click()
    entered: EnteredCredentials = signal.args[0]
    assert entered.session_only
    assert isinstance(entered.store, MemoryStore)
    assert not dialog.isVisible()


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape])
def test_escape_closes_without_saving(qtbot, key: Qt.Key, canary_keys) -> None:
    store = MemoryStore()
    dialog = _dialog(qtbot, store)
    _fill(dialog, canary_keys[0], canary_keys[1], "12345678-01")
    with qtbot.assertNotEmitted(dialog.credentials_entered):
        qtbot.keyClick(dialog, key)
    assert not dialog.isVisible()
    assert load_credentials(store, Env.REAL) is None
