"""Access tokens of one simulated KIS host: tokenP, revokeP and the token check of business calls.

Behaviour follows shared/kis-api/auth.md §1–2. Apps are created on first use: the first tokenP with a
well-formed appkey (36 chars) and appsecret (180 chars) registers the pair, and the secret is bound to
the key from then on. Tokens are per instance, so a token of the real-host simulator is unknown to
the paper-host one, as on the real hosts. Token endpoint errors use the OAuth shape
{"error_code", "error_description"} with HTTP 403, never the rt_cd envelope.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from kisdesk.simulator.clock import KST, Clock
from kisdesk.simulator.protocol import SimReply
from kisdesk.simulator.settings import SimSettings

APPKEY_LENGTH: Final = 36
APPSECRET_LENGTH: Final = 180
TOKEN_ERROR_STATUS: Final = 403  # auth.md: EGW00133 arrives as 403; other tokenP errors assumed alike

# Descriptions in the OAuth error shape. EGW00133's text is the observed one (auth.md §1); the others
# paraphrase the KIS FAQ meaning (errors-and-limits.md §2).
TOKEN_ERROR_TEXT: Final[dict[str, str]] = {
    "EGW00101": "유효하지 않은 요청입니다.",
    "EGW00102": "AppKey는 필수입니다.",
    "EGW00103": "유효하지 않은 AppKey입니다.",
    "EGW00104": "AppSecret은 필수입니다.",
    "EGW00105": "유효하지 않은 AppSecret입니다.",
    "EGW00115": "grant_type은 필수입니다.",
    "EGW00116": "지원하지 않는 grant_type입니다.",
    "EGW00121": "유효하지 않은 token 입니다.",
    "EGW00132": "유효하지 않은 Content-Type입니다.",
    "EGW00133": "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)",
}


@dataclass
class IssuedToken:
    value: str
    appkey: str
    issued_at: datetime
    expires_at: datetime
    revoked: bool = False


@dataclass
class _App:
    appsecret: str
    last_issue: datetime | None = None  # last successful tokenP call (new or re-returned token)
    current: IssuedToken | None = None


def token_error(code: str, description: str | None = None) -> SimReply:
    """The OAuth-style error answer of tokenP/revokeP."""
    text = description if description is not None else TOKEN_ERROR_TEXT.get(code, "오류가 발생하였습니다.")
    return SimReply(TOKEN_ERROR_STATUS, {"error_code": code, "error_description": text})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _new_token_value(issued_at: datetime, expires_at: datetime) -> str:
    """A JWT-shaped random string (~330 chars). Nothing in it derives from the appkey or secret."""
    header = {"typ": "JWT", "alg": "HS512"}
    payload = {
        "sub": "token",
        "aud": str(uuid.uuid4()),
        "prdt_cd": "",
        "iss": "unogw",
        "exp": int(expires_at.timestamp()),
        "iat": int(issued_at.timestamp()),
        "jti": secrets.token_hex(18),
    }
    parts = (json.dumps(header).encode(), json.dumps(payload, separators=(",", ":")).encode())
    return ".".join([*(_b64(p) for p in parts), _b64(secrets.token_bytes(64))])


class Tokens:
    """Issues, revokes and checks the access tokens of one simulator instance. Not thread-safe by
    itself: the engine calls it under its lock."""

    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._apps: dict[str, _App] = {}
        self._tokens: dict[str, IssuedToken] = {}

    # --- the token endpoints -------------------------------------------------------------------

    def issue(self, body: Mapping[str, Any]) -> SimReply:
        """POST /oauth2/tokenP."""
        grant = body.get("grant_type")
        if not grant:
            return token_error("EGW00115")
        if grant != "client_credentials":
            return token_error("EGW00116")
        app_or_error = self._app_for(body.get("appkey"), body.get("appsecret"))
        if isinstance(app_or_error, SimReply):
            return app_or_error
        app = app_or_error
        now = self._clock.now()
        s = self._settings
        if app.last_issue is not None and timedelta(0) <= now - app.last_issue < timedelta(
            seconds=s.token_min_interval_s
        ):
            return token_error("EGW00133")
        app.last_issue = now
        token = app.current
        reusable = (
            token is not None
            and not token.revoked
            and now < token.expires_at
            and now - token.issued_at < timedelta(seconds=s.token_reuse_window_s)
        )
        if token is None or not reusable:
            expires = now + timedelta(seconds=s.token_lifetime_s)
            token = IssuedToken(_new_token_value(now, expires), str(body["appkey"]), now, expires)
            self._tokens[token.value] = token
            app.current = token
        # A re-returned token reports its remaining lifetime (ASSUMPTION: KIS's value is not documented).
        remaining = max(1, int((token.expires_at - now).total_seconds()))
        return SimReply(
            200,
            {
                "access_token": token.value,
                "token_type": "Bearer",
                "expires_in": remaining,
                "access_token_token_expired": token.expires_at.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S"),
            },
        )

    def revoke(self, body: Mapping[str, Any]) -> SimReply:
        """POST /oauth2/revokeP: the token stops working at once; revoking twice is harmless."""
        app_or_error = self._app_for(body.get("appkey"), body.get("appsecret"))
        if isinstance(app_or_error, SimReply):
            return app_or_error
        token = self._tokens.get(str(body.get("token") or ""))
        if token is None or token.appkey != body.get("appkey"):
            return token_error("EGW00121")
        token.revoked = True
        if app_or_error.current is token:
            app_or_error.current = None
        return SimReply(200, {"code": "200", "message": "접근토큰 폐기에 성공하였습니다."})

    def _app_for(self, appkey: object, appsecret: object) -> _App | SimReply:
        if not appkey:
            return token_error("EGW00102")
        if not isinstance(appkey, str) or len(appkey) != APPKEY_LENGTH:
            code = self._settings.bad_credentials_code
            return token_error(code, TOKEN_ERROR_TEXT.get(code, TOKEN_ERROR_TEXT["EGW00103"]))
        if not appsecret:
            return token_error("EGW00104")
        if not isinstance(appsecret, str) or len(appsecret) != APPSECRET_LENGTH:
            return token_error("EGW00105")
        app = self._apps.setdefault(appkey, _App(appsecret))
        if not secrets.compare_digest(app.appsecret, appsecret):
            return token_error("EGW00105")
        return app

    # --- business calls --------------------------------------------------------------------------

    def authenticate(self, headers: Mapping[str, str]) -> str | None:
        """Check appkey, appsecret and authorization headers in KIS order; the EGW code, or None if valid."""
        appkey = headers.get("appkey", "")
        if not appkey:
            return "EGW00102"
        if len(appkey) != APPKEY_LENGTH:
            return "EGW00103"
        appsecret = headers.get("appsecret", "")
        if not appsecret:
            return "EGW00104"
        app = self._apps.get(appkey)
        if len(appsecret) != APPSECRET_LENGTH or (
            app is not None and not secrets.compare_digest(app.appsecret, appsecret)
        ):
            return "EGW00105"
        authorization = headers.get("authorization", "").strip()
        if not authorization:
            return "EGW00121"
        scheme, _, value = authorization.partition(" ")
        # The auth scheme is case-insensitive in HTTP; KIS documents "Bearer" (ASSUMPTION: "bearer" passes).
        if scheme.lower() != "bearer":
            return "EGW00205"
        token = self._tokens.get(value.strip())  # "Bearer " with no token is a missing token: EGW00121
        if token is None or token.revoked or token.appkey != appkey:
            return "EGW00121"
        if self._clock.now() >= token.expires_at:
            return "EGW00123"
        return None

    def token(self, value: str) -> IssuedToken | None:
        """Look up an issued token (tests and the control endpoints)."""
        return self._tokens.get(value)
