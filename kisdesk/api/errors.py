"""Errors raised by the KIS API layer.

```
KisError                        catch this at the UI edge
├── NotAvailableError           the API/action does not exist in this environment; nothing was sent
├── IsolationError              host, keys and TR ID of a request disagree; nothing was sent
├── KisTransportError           no usable HTTP answer
│   ├── KisConnectError         failed before the request left (DNS, refused, connect timeout):
│   │                           nothing was sent, safe to retry
│   └── KisOutcomeUnknownError  the request may have reached KIS (timeout after sending, reset,
│                               dropped connection): an order POST must be reconciled, never resent
├── KisHttpError                non-2xx answer without a KIS code (HTML, 502 …); .status, .snippet
├── KisProtocolError            2xx answer whose body is not the JSON the spec promises
│   └── KisPagingError          a paged inquiry did not end (page cap hit, keys did not advance)
└── KisApiError                 a KIS envelope with rt_cd != "0"; .tr_id .rt_cd .msg_cd .msg1 .status
    ├── KisAuthError            EGW00121/00122/00123 (token invalid/expired) after one retry,
    │                           or a token endpoint error (.msg_cd holds error_code)
    │   └── KisTokenThrottledError  EGW00133: a token was issued less than a minute ago
    ├── KisRateLimitError       EGW00201/EGW00215 after the bounded retries
    └── KisUncertainApiError    EGW00002/00301/00302, OPSQ0004-6/0008/0009: KIS itself says the
                                transaction may have happened; an order must be reconciled
```

For an order POST, the outcome is unknown (reconcile, never resend) after KisOutcomeUnknownError,
KisUncertainApiError, a 5xx KisHttpError and KisProtocolError.

Messages never contain an appkey, appsecret, token or authorization header: these objects only ever
receive codes, KIS messages and short body snippets that pass through `redact()` first.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from kisdesk.api.enums import Env
    from kisdesk.api.registry import ApiId

# KIS sends secrets in non-standard header and body names; a generic Authorization filter misses them.
SECRET_NAMES: Final[tuple[str, ...]] = (
    "appkey",
    "appsecret",
    "secretkey",
    "authorization",
    "access_token",
    "approval_key",
    "personalseckey",
    "token",
)
_NAMES_ALT = "|".join(SECRET_NAMES)
_SECRET_PAIR = re.compile(
    r"""(?ix)
    (["']?(?:"""
    + _NAMES_ALT
    + r""")["']?\s*[:=]\s*)   # a secret's name, quoted or not, then : or =
    (?:"[^"]*"|'[^']*'|Bearer\s+\S+|[^\s,&}]+)        # its value
    """
)
_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9._\-+/=]+")


def redact(text: str) -> str:
    """Mask every secret-looking name/value pair and bearer token in `text`."""
    text = _SECRET_PAIR.sub(lambda m: m.group(1) + '"***"', text)
    return _BEARER.sub("Bearer ***", text)


class KisError(Exception):
    """Base of every error the API layer raises."""


class NotAvailableError(KisError):
    """The API or action is not offered in this environment (e.g. reservation orders on paper)."""

    def __init__(self, api_id: ApiId, env: Env, reason: str) -> None:
        super().__init__(f"{api_id.value} is not available in {env.value}: {reason}")
        self.api_id = api_id
        self.env = env
        self.reason = reason


class IsolationError(KisError):
    """A request would mix two environments (host, keys or TR-ID family); it was not sent."""


class KisTransportError(KisError):
    """No usable HTTP answer arrived."""


class KisConnectError(KisTransportError):
    """The connection could not be made: the request never left this machine."""


class KisOutcomeUnknownError(KisTransportError):
    """The request may have been processed: timed out after sending, or the connection dropped."""


class KisHttpError(KisError):
    """A non-2xx status without a KIS envelope (maintenance HTML, bare 502, …)."""

    def __init__(self, status: int, snippet: str, tr_id: str = "") -> None:
        self.status = status
        self.snippet = redact(snippet[:200])
        self.tr_id = tr_id
        super().__init__(f"HTTP {status} from KIS ({tr_id or 'no TR'}): {self.snippet!r}")


class KisProtocolError(KisError):
    """The answer was not the JSON the spec describes (truncated, wrong shape)."""

    def __init__(self, detail: str, tr_id: str = "", status: int = 200) -> None:
        self.detail = redact(detail[:300])
        self.tr_id = tr_id
        self.status = status
        super().__init__(f"unreadable KIS answer ({tr_id or 'no TR'}, HTTP {status}): {self.detail}")


class KisPagingError(KisProtocolError):
    """A paged inquiry did not reach its last page: rows may be missing, so nothing is returned."""


class KisApiError(KisError):
    """KIS answered with rt_cd != "0". `msg1` is KIS's own explanation and is shown verbatim."""

    def __init__(self, *, tr_id: str, rt_cd: str, msg_cd: str, msg1: str, status: int = 200) -> None:
        self.tr_id = tr_id
        self.rt_cd = rt_cd
        self.msg_cd = msg_cd
        self.msg1 = redact(msg1.strip())
        self.status = status
        super().__init__(f"[{msg_cd}] {self.msg1} (tr_id {tr_id or '-'}, HTTP {status})")


class KisAuthError(KisApiError):
    """The token was refused or could not be obtained."""


class KisTokenThrottledError(KisAuthError):
    """EGW00133: KIS issues at most one token per minute per app key."""


class KisRateLimitError(KisApiError):
    """EGW00201: too many requests per second (after the client's bounded retries)."""


class KisUncertainApiError(KisApiError):
    """KIS answered with a code meaning "check the previous transaction" (EGW00301/00302 …)."""
