"""Access tokens cached per credential, refreshed once however many requests wait.

Services like GigaChat trade a long-lived key for a short-lived token. The token must be
shared by every request made with that key (one OAuth call, not one per message), renewed
a little before it expires, and renewed by exactly one request when many find it stale at
once. The cache is an object handed to providers, never module or class state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import time
from collections.abc import Awaitable, Callable

from providers.errors import AuthError, ProviderError

__all__ = ["Secret", "Token", "TokenCache", "redact"]


class Secret:
    """A credential that never shows itself in repr, str or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


#: Shorter strings are not blanked out of messages: they would hit ordinary words.
_MIN_SECRET = 8
_MASK = "***"


def redact(error: ProviderError, *secrets: str) -> ProviderError:
    """Blank credentials out of an error's text (message, detail, params), in place, and
    return it.

    Error text quotes the server, and some servers (self-hosted proxies, OAuth gateways)
    quote the key they refused; that text goes on screen, into the history and the log.
    A key cut by the message's length limit is caught by its leading part too.
    """
    keys = [secret for secret in secrets if len(secret) >= _MIN_SECRET]
    if not keys:
        return error
    message = _blank(error.message, keys)
    if message != error.message:
        error.message = message
        error.args = (message,)
    error.detail = _blank(error.detail, keys)
    error.params = {
        name: _blank(value, keys) if isinstance(value, str) else value
        for name, value in error.params.items()
    }
    return error


def _blank(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _MASK)
        if text.endswith("…"):
            body = text[:-1]
            for size in range(min(len(secret), len(body)), _MIN_SECRET - 1, -1):
                if body.endswith(secret[:size]):
                    text = body[:-size] + _MASK + "…"
                    break
    return text


@dataclasses.dataclass(frozen=True)
class Token:
    """An access token and the wall-clock second it stops working (0: never)."""

    value: str = dataclasses.field(repr=False)
    expires_at: float

    def usable(self, now: float, margin: float) -> bool:
        """True while more than `margin` seconds remain."""
        return self.expires_at == 0 or self.expires_at - now > margin

    def expired(self, now: float) -> bool:
        return self.expires_at != 0 and self.expires_at <= now


class _Slot:
    """State of one credential: its token, refresh lock and the last refresh's outcome."""

    __slots__ = ("error", "lock", "refreshes", "token")

    def __init__(self) -> None:
        self.token: Token | None = None
        self.lock = asyncio.Lock()
        #: Refreshes finished (either way); a waiter that sees it move takes their result.
        self.refreshes = 0
        self.error: ProviderError | None = None


class TokenCache:
    """Tokens keyed by credential; single-flight refresh under an asyncio.Lock per key.

    `margin` is how early a token is renewed (GigaChat's SDK uses 60 s). The cache keys
    are SHA-256 digests, so the cache itself never holds a key in the clear.
    """

    def __init__(self, *, margin: float = 60.0, clock: Callable[[], float] = time.time) -> None:
        self.margin = margin
        self._clock = clock
        self._slots: dict[str, _Slot] = {}

    def __repr__(self) -> str:
        return f"<TokenCache {len(self._slots)} credentials>"

    @staticmethod
    def key(*parts: str) -> str:
        """Cache key of a credential, e.g. `key(authorization_key, scope, auth_url)`."""
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()

    def _slot(self, key: str) -> _Slot:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
        return slot

    def peek(self, key: str) -> Token | None:
        """The cached token, usable or not (for tests and diagnostics)."""
        slot = self._slots.get(key)
        return slot.token if slot else None

    async def get(self, key: str, fetch: Callable[[], Awaitable[Token]]) -> str:
        """A usable token for `key`, calling `fetch` only when none is cached.

        Requests that queue behind a refresh take its result (or its error) instead of
        refreshing again. When a refresh fails for a reason other than the key (rate
        limit, network) and the old token has not actually expired yet, it is reused.
        """
        slot = self._slot(key)
        token = slot.token
        if token is not None and token.usable(self._clock(), self.margin):
            return token.value
        seen = slot.refreshes
        async with slot.lock:
            token = slot.token
            now = self._clock()
            if slot.refreshes != seen:  # a refresh finished while we waited: share it
                if slot.error is not None:
                    raise slot.error
                if token is not None and not token.expired(now):
                    return token.value
            elif token is not None and token.usable(now, self.margin):
                return token.value
            try:
                fresh = await fetch()
            except ProviderError as error:
                slot.refreshes += 1
                if (
                    not isinstance(error, AuthError)
                    and token is not None
                    and not token.expired(self._clock())
                ):
                    slot.error = None
                    return token.value
                slot.error = error
                raise
            except BaseException:
                slot.refreshes += 1
                slot.error = None  # cancelled: the next waiter tries itself
                raise
            slot.refreshes += 1
            slot.error = None
            slot.token = fresh
            return fresh.value

    def invalidate(self, key: str, value: str | None = None) -> None:
        """Forget the token of `key` (only if it is still `value`, when given).

        Passing the token a request was refused with keeps a token that another request
        has just refreshed.
        """
        slot = self._slots.get(key)
        if slot is None or slot.token is None:
            return
        if value is None or slot.token.value == value:
            slot.token = None

    def clear(self) -> None:
        for slot in self._slots.values():
            slot.token = None
