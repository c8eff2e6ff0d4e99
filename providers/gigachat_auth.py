"""GigaChat's token endpoints: the authorization key, or a user name and password,
traded for a 30-minute access token.

Exactly as the official SDK asks for one (OAuth: `Basic` key as given, a fresh `RqUID`,
the scope as a form field; password: `POST {base}/token` with HTTP Basic auth), so the
hosts see the client Sber documents. The logins (providers/gigachat_login.py) keep
tokens in a TokenCache and call these on a miss.
"""

from __future__ import annotations

import base64
import binascii
import json
import ssl
import uuid
from typing import TYPE_CHECKING

from providers.auth import Token
from providers.base import Timeouts
from providers.errors import AuthError, ProtocolError
from providers.http import client_timeout, exchange, raise_for_status, read_body, server_message

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "USER_AGENT",
    "fetch_password_token",
    "fetch_token",
    "looks_like_authorization_key",
    "normalize_key",
]

#: The official SDK's User-Agent, sent to both hosts so we look like the client Sber documents.
USER_AGENT = "GigaChat-python-lib"


def normalize_key(key: str) -> str:
    """The key as the cabinet shows it; a pasted `Basic ` prefix is dropped."""
    key = key.strip()
    if key[:6].lower() == "basic ":
        key = key[6:].strip()
    return key


def looks_like_authorization_key(key: str) -> bool:
    """The authorization key is base64 of `client_id:client_secret` (the SDK checks too)."""
    try:
        return b":" in base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        return False


async def fetch_token(
    session: aiohttp.ClientSession,
    url: str,
    key: str,
    scope: str,
    *,
    ssl_context: ssl.SSLContext,
    proxy: str | None,
    timeouts: Timeouts,
) -> Token:
    """One OAuth call; a refused key is an AuthError with the server's words as detail
    (and a nudge when what was pasted is not an authorization key)."""
    async with exchange(
        session.post(
            url,
            data={"scope": scope},
            headers={
                "Authorization": f"Basic {key}",
                "RqUID": str(uuid.uuid4()),
                "User-Agent": USER_AGENT,
            },
            ssl=ssl_context,
            proxy=proxy,
            timeout=client_timeout(timeouts),
        )
    ) as response:
        if response.status in (400, 401):
            body = await read_body(response, 64 * 1024)
            reason = (
                "authorization_failed"
                if looks_like_authorization_key(key)
                else "client_secret_pasted"
            )
            raise AuthError(
                reason=reason,
                detail=server_message(body, response.content_type),
                status=response.status,
            )
        await raise_for_status(response)
        body = await read_body(response, 64 * 1024)
    return _token(body)


async def fetch_password_token(
    session: aiohttp.ClientSession,
    base_url: str,
    user: str,
    password: str,
    *,
    ssl_context: ssl.SSLContext,
    proxy: str | None,
    timeouts: Timeouts,
) -> Token:
    """`POST {base}/token` with HTTP Basic auth, as the SDK's password login; a refused
    login is an AuthError "password_refused" with the server's words as detail."""
    basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    async with exchange(
        session.post(
            f"{base_url}/token",
            headers={"Authorization": f"Basic {basic}", "User-Agent": USER_AGENT},
            ssl=ssl_context,
            proxy=proxy,
            timeout=client_timeout(timeouts),
        )
    ) as response:
        if response.status in (400, 401):
            body = await read_body(response, 64 * 1024)
            raise AuthError(
                reason="password_refused",
                detail=server_message(body, response.content_type),
                status=response.status,
            )
        await raise_for_status(response)
        body = await read_body(response, 64 * 1024)
    return _token(body)


def _token(body: bytes) -> Token:
    """`{"access_token", "expires_at"}` (OAuth) or `{"tok", "exp"}` (password login)."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ProtocolError(reason="no_token")
    value = data.get("access_token", data.get("tok"))
    expires = data.get("expires_at", data.get("exp"))
    if not isinstance(value, str) or not value or not isinstance(expires, int | float):
        raise ProtocolError(reason="no_token")
    # `expires_at` is epoch milliseconds; tolerate seconds from look-alike servers.
    return Token(value, expires / 1000 if expires > 10**11 else float(expires))
