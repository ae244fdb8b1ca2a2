"""EnvSwitcher: how the main window changes environment (style.md B.11, order-safety.md rows 10, 26).

Refused while requests are in flight or another switch runs; PAPER and REAL need credentials (from
the keychain off the GUI thread, else the credentials dialog); REAL then needs the explicit
confirmation whose default is Cancel. Only then is a new Session opened; the old one is closed and
the window rebuilds its session-bound widgets on the new one. Dialogs open with `open()`, never
`exec()` (stack-notes, Pitfalls #2). Everything here runs after the first paint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject

from kisdesk.api.enums import CustType, Env
from kisdesk.ui.env_banner import ENV_NAMES
from kisdesk.ui.env_toggle import real_confirmation
from kisdesk.ui.status_panel import Connection

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QMessageBox

    from kisdesk.app.secrets import SecretStore
    from kisdesk.app.session import Session
    from kisdesk.ui.credentials_dialog import CredentialsDialog, EnteredCredentials
    from kisdesk.ui.main_window import MainWindow

CUST_TYPE_KEY: Final = "credentials/{env}/cust_type"  # not secret: P or B


class EnvSwitcher(QObject):
    """Switches `window` between DEMO, PAPER and REAL; `task` is the switch under way, if any.

    `secret_store` is where credentials and tokens are kept (default: the OS keychain, first
    touched on PAPER/REAL); `base_urls` replaces the official host per environment (tests).
    """

    def __init__(
        self,
        window: MainWindow,
        secret_store: SecretStore | None = None,
        base_urls: Mapping[Env, str] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        # None until first needed: the keychain module is not imported before PAPER/REAL.
        self._secret_store = secret_store
        self._session_stores: dict[Env, SecretStore] = {}  # "use for this session only" choices
        self._base_urls = dict(base_urls or {})  # loopback hosts (tests, screenshots); else official
        self.task: asyncio.Task[Any] | None = None
        self.switching = False
        self.real_confirmation: QMessageBox | None = None
        self.credentials_dialog: CredentialsDialog | None = None

    def refusal(self) -> str | None:
        """Why switching environment is not possible right now, or None."""
        if self.switching or not self._window.is_ready:  # starting is switching into the first environment
            return self.tr("Wait for the current environment switch to finish.")
        budget = self._window.session.client.limiter.budget()
        busy = self._window.session.orders.in_flight + budget.queued + budget.in_flight
        if self._window.session.busy or busy:
            return self.tr("Wait for %1 request(s) in flight to finish, then switch.").replace(
                "%1", str(busy)
            )
        return None

    def request(self, env: Env) -> asyncio.Task[Any] | None:
        """The user asked for `env`: refuse, ask for credentials/confirmation, then switch."""
        if env is self._window.current_env():
            return None
        if (reason := self.refusal()) is not None:
            self._window.refuse(reason)
            return None
        return self._window.spawn(self._prepare_switch(env))

    async def _prepare_switch(self, env: Env) -> None:
        if env is Env.DEMO:
            self._start_switch(env, None)
            return
        import asyncio

        from kisdesk.app.secrets import SecretStoreUnavailableError, load_credentials
        from kisdesk.ui.credentials_dialog import EnteredCredentials

        store = self._store_for(env)
        try:
            # keyring may block or prompt: read it off the GUI thread (style.md B.5).
            saved = await asyncio.to_thread(load_credentials, store, env)
        except SecretStoreUnavailableError as exc:
            self.open_credentials_dialog(env, unavailable_reason=str(exc))
            return
        if saved is None:  # nothing stored, or stored values no longer valid: enter them
            self.open_credentials_dialog(env)
            return
        entered = EnteredCredentials(env, saved.credentials, saved.account, self.cust_type(env), store)
        self._credentials_ready(entered)

    def open_credentials_dialog(
        self, env: Env, *, unavailable_reason: str | None = None
    ) -> CredentialsDialog:
        from PySide6.QtCore import Qt

        from kisdesk.ui.credentials_dialog import CredentialsDialog

        dialog = CredentialsDialog(
            env,
            self._default_store(),
            self._window,
            cust_type=self.cust_type(env),
            unavailable_reason=unavailable_reason,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.credentials_entered.connect(self._on_credentials_entered)
        self.credentials_dialog = dialog
        dialog.open()
        return dialog

    def _on_credentials_entered(self, entered: EnteredCredentials) -> None:
        self._window.settings.setValue(CUST_TYPE_KEY.format(env=entered.env.value), entered.cust_type.value)
        if entered.session_only:
            self._session_stores[entered.env] = entered.store
        if entered.env is not self._window.current_env():
            self._credentials_ready(entered)

    def _credentials_ready(self, entered: EnteredCredentials) -> None:
        if entered.env is Env.REAL:
            self._confirm_real(entered)
        else:
            self._start_switch(entered.env, entered)

    def _confirm_real(self, entered: EnteredCredentials) -> None:
        box, confirm = real_confirmation(self._window, entered.account)
        box.buttonClicked.connect(
            lambda button: self._start_switch(Env.REAL, entered) if button is confirm else None
        )
        self.real_confirmation = box
        box.open()

    def _start_switch(self, env: Env, entered: EnteredCredentials | None) -> None:
        self.task = self._window.spawn(self.switch(env, entered))

    async def switch(self, env: Env, entered: EnteredCredentials | None = None) -> bool:
        """Open a new Session for `env`, close the old one and rebuild the session-bound widgets.

        PAPER/REAL need `entered` (the credentials dialog or the keychain provides it). Returns
        False, keeping the current environment, when refused or when the new session cannot open.
        """
        from kisdesk.app.errors import SessionBusyError
        from kisdesk.ui.messages import EXPECTED_ERRORS, message_for

        if (reason := self.refusal()) is not None:
            self._window.refuse(reason)  # a request may have started while a dialog was open
            return False
        self.switching = True
        self._window.status.set_connection(Connection.CONNECTING)
        try:
            new = await self._open_session(env, entered)
            old = self._window.session
            try:
                await old.close()
            except SessionBusyError as exc:
                await new.close(force=True)
                self._window.refuse(message_for(exc))
                return False
            self._window.install_session(new)
        except (*EXPECTED_ERRORS, ValueError, OSError) as exc:
            self._window.show_error(message_for(exc))
            self._window.status.set_connection(Connection.ERROR, message_for(exc))
            return False
        finally:
            self.switching = False
        self._window.env_changed.emit(env)
        self._window.notify(self.tr("Switched to %1.").replace("%1", ENV_NAMES[env]))
        await self._window.check_connection()
        return True

    async def _open_session(self, env: Env, entered: EnteredCredentials | None) -> Session:
        from kisdesk.app.session import Profile, Session

        if env is Env.DEMO:
            return await Session.open_demo()
        if entered is None or entered.env is not env:
            raise ValueError(f"{env.value} needs its credentials")
        profile = Profile(env, entered.credentials, entered.account, self._base_urls.get(env))
        # The token cache lives where the credentials live: keychain, or memory for session-only keys.
        return await Session.open(profile, entered.store, cust_type=entered.cust_type)

    def cust_type(self, env: Env) -> CustType:
        value = str(self._window.settings.value(CUST_TYPE_KEY.format(env=env.value), "P") or "P")
        return CustType.CORPORATE if value == CustType.CORPORATE.value else CustType.PERSONAL

    def _store_for(self, env: Env) -> SecretStore:
        store = self._session_stores.get(env)
        return store if store is not None else self._default_store()

    def _default_store(self) -> SecretStore:
        # KeyringStore() only names the service: the keychain is first touched on PAPER/REAL.
        if self._secret_store is None:
            from kisdesk.app.secrets import KeyringStore

            self._secret_store = KeyringStore()
        return self._secret_store
