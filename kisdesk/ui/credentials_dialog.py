"""CredentialsDialog: app key, app secret, account and customer type for one environment.

Each KIS environment (PAPER, REAL) has its own key pair and account (product.md D, §3 item 9). The
dialog checks every field and says what is wrong next to it; Save writes to the OS keychain through
`save_credentials` and nowhere else. If the keychain cannot be used (SecretStoreUnavailableError),
it says so and offers "use for this session only" (a MemoryStore that dies with the process).
The dialog is opened with `open()`, never `exec()`: the window runs on a qasync loop (B.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.credentials import APPKEY_LENGTH, APPSECRET_LENGTH, Account, Credentials
from kisdesk.api.enums import CustType, Env
from kisdesk.app.secrets import MemoryStore, SecretStore, SecretStoreUnavailableError, save_credentials
from kisdesk.ui.env_banner import ENV_NAMES
from kisdesk.ui.theme import ERROR_TEXT

_ACCOUNT_PATTERN = re.compile(r"^\d{8}-?\d{2}$")


@dataclass(frozen=True)
class EnteredCredentials:
    """What the dialog hands to the window: api-layer types, plus the store now holding them."""

    env: Env
    credentials: Credentials
    account: Account
    cust_type: CustType
    store: SecretStore  # the keychain, or this session's memory when the keychain is unavailable
    session_only: bool = False


class CredentialsDialog(QDialog):
    """Enter and store one environment's credentials.

    Signals:
        credentials_entered(EnteredCredentials): valid credentials were stored; the dialog then accepts.
    """

    credentials_entered = Signal(object)

    def __init__(
        self,
        env: Env,
        store: SecretStore,
        parent: QWidget | None = None,
        *,
        account: str = "",
        cust_type: CustType = CustType.PERSONAL,
        unavailable_reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.env = env
        self._store = store
        self.setWindowTitle(self.tr("Credentials — %1").replace("%1", ENV_NAMES[env]))
        self.setObjectName("credentialsDialog")

        self.appkey_edit = QLineEdit()
        self.appkey_edit.setPlaceholderText(self.tr("36 characters from the KIS developer portal"))
        self.appsecret_edit = QLineEdit()
        self.appsecret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.appsecret_edit.setPlaceholderText(self.tr("180 characters"))
        self.account_edit = QLineEdit(account)
        self.account_edit.setPlaceholderText("12345678-01")
        self.cust_type_combo = QComboBox()
        self.cust_type_combo.addItem(self.tr("Individual (P)"), CustType.PERSONAL)
        self.cust_type_combo.addItem(self.tr("Corporate (B)"), CustType.CORPORATE)
        self.cust_type_combo.setCurrentIndex(self.cust_type_combo.findData(cust_type))
        self.appkey_error, self.appsecret_error, self.account_error = (self._error_label() for _ in range(3))

        form = QFormLayout()
        form.addRow(self.tr("App &key:"), self.appkey_edit)
        form.addRow("", self.appkey_error)
        form.addRow(self.tr("App &secret:"), self.appsecret_edit)
        form.addRow("", self.appsecret_error)
        form.addRow(self.tr("&Account:"), self.account_edit)
        form.addRow("", self.account_error)
        form.addRow(self.tr("Customer &type:"), self.cust_type_combo)

        intro = QLabel(
            self.tr(
                "%1 uses its own app key, app secret and account. They are kept in the OS keychain, "
                "never in settings files or logs."
            ).replace("%1", ENV_NAMES[env])
        )
        intro.setWordWrap(True)
        self.status_label = self._error_label()

        self.buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("Save to &keychain"))
        self.save_button.setDefault(True)
        self.session_button = QPushButton(self.tr("Use for this &session only"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.session_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.session_button.setVisible(False)  # after addButton, which shows it
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Buttons are wired one by one: AcceptRole would otherwise close the dialog before validation.
        self.save_button.clicked.connect(self.save)
        self.session_button.clicked.connect(self.use_for_session)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if unavailable_reason is not None:
            self._offer_session_only(unavailable_reason)

    # --- actions ------------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """Field name -> what is wrong with it, for every bad field (empty when all are valid)."""
        found: dict[str, str] = {}
        for name, text, length in (
            ("appkey", self._appkey(), APPKEY_LENGTH),
            ("appsecret", self._appsecret(), APPSECRET_LENGTH),
        ):
            if problem := self._secret_problem(text, length):
                found[name] = problem
        if not _ACCOUNT_PATTERN.fullmatch(self.account_edit.text().strip()):
            found["account"] = self.tr("Use the form 12345678-01: 8 digits, a dash, 2 digits.")
        return found

    def validate(self) -> bool:
        """Show each field's problem next to it; True when there is none."""
        found = self.problems()
        for name, label in (
            ("appkey", self.appkey_error),
            ("appsecret", self.appsecret_error),
            ("account", self.account_error),
        ):
            label.setText(found.get(name, ""))
            label.setVisible(name in found)
        return not found

    def save(self) -> bool:
        """Validate, store in the keychain and accept. False (and nothing stored) on any problem."""
        if not self.validate():
            return False
        try:
            # A short blocking keychain call on a button click: no coroutine is suspended here.
            save_credentials(self._store, self.env, self._appkey(), self._appsecret(), self._account_text())
        except SecretStoreUnavailableError as exc:
            self._offer_session_only(str(exc))
            return False
        self._finish(self._store, session_only=False)
        return True

    def use_for_session(self) -> bool:
        """Validate and keep the credentials in memory only, for this run of kisdesk."""
        if not self.validate():
            return False
        memory = MemoryStore()
        save_credentials(memory, self.env, self._appkey(), self._appsecret(), self._account_text())
        self._finish(memory, session_only=True)
        return True

    # --- helpers ------------------------------------------------------------------------------

    def _finish(self, store: SecretStore, *, session_only: bool) -> None:
        entered = EnteredCredentials(
            env=self.env,
            credentials=Credentials(self._appkey(), self._appsecret()),
            account=Account.parse(self._account_text()),
            cust_type=CustType(self.cust_type_combo.currentData()),
            store=store,
            session_only=session_only,
        )
        # The widgets need not hold the secrets any longer than this.
        self.appkey_edit.clear()
        self.appsecret_edit.clear()
        self.credentials_entered.emit(entered)
        self.accept()

    def _offer_session_only(self, reason: str) -> None:
        self.status_label.setText(reason)
        self.status_label.setVisible(True)
        self.session_button.setVisible(True)

    def _secret_problem(self, text: str, length: int) -> str:
        if not text:
            return self.tr("Required: %1 characters.").replace("%1", str(length))
        if any(c.isspace() for c in text) or not text.isascii():
            return self.tr("Only letters, digits and symbols: no spaces or Korean characters.")
        if len(text) != length:
            return (
                self.tr("%1 characters entered; it must be exactly %2.")
                .replace("%1", str(len(text)))
                .replace("%2", str(length))
            )
        return ""

    def _appkey(self) -> str:
        return self.appkey_edit.text().strip()  # pasted keys often carry a trailing newline or space

    def _appsecret(self) -> str:
        return self.appsecret_edit.text().strip()

    def _account_text(self) -> str:
        return str(Account.parse(self.account_edit.text()))

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {ERROR_TEXT.name()};")
        label.setVisible(False)
        return label
