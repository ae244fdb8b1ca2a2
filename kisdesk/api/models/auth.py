"""Token endpoints: tokenP (인증-001) and revokeP (인증-002). They do not use the rt_cd envelope."""

from __future__ import annotations

from pydantic import Field

from kisdesk.api.models.common import KisRequest, KisResponse


class TokenRequest(KisRequest):
    """Body of `POST /oauth2/tokenP`. Secrets are kept out of repr so they never reach a log."""

    grant_type: str = "client_credentials"
    appkey: str = Field(min_length=36, max_length=36, repr=False)
    appsecret: str = Field(min_length=180, max_length=180, repr=False)


class TokenResponse(KisResponse):
    access_token: str = Field(min_length=1, repr=False)
    token_type: str = "Bearer"
    expires_in: int = Field(gt=0)  # seconds
    expires_at_text: str = Field("", alias="access_token_token_expired")  # YYYY-MM-DD HH:MM:SS KST


class TokenErrorBody(KisResponse):
    """The OAuth-style error shape of the token endpoints: {"error_code", "error_description"}."""

    error_code: str
    error_description: str = ""


class RevokeRequest(KisRequest):
    appkey: str = Field(min_length=36, max_length=36, repr=False)
    appsecret: str = Field(min_length=180, max_length=180, repr=False)
    token: str = Field(min_length=1, repr=False)


class RevokeResponse(KisResponse):
    code: str = ""  # portal: string; one client models it as int (UNCERTAIN)
    message: str = ""
