"""Proxy settings as values: what a proxy URL may be, and the URL a request goes through.

Qt-free; kept apart from the settings file's reading and writing.
"""

from __future__ import annotations

import urllib.parse
from typing import Literal, NamedTuple

__all__ = [
    "PROXY_SCHEMES",
    "Proxy",
    "ProxyMode",
    "has_password",
    "is_http_url",
    "is_proxy_url",
    "resolve_proxy",
]

ProxyMode = Literal["none", "system", "url"]

#: What a proxy URL may be: http(s) proxies go with each request, SOCKS ones are the
#: session's connector (ProviderFactory, providers/socks.py).
PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


class Proxy(NamedTuple):
    mode: ProxyMode = "none"
    url: str = ""


def is_http_url(text: str) -> bool:
    """An absolute http(s) URL with a host: what base URLs and proxies must be."""
    try:
        parts = urllib.parse.urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_proxy_url(text: str) -> bool:
    """An absolute http(s) or SOCKS URL with a host: what a proxy must be."""
    try:
        parts = urllib.parse.urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in PROXY_SCHEMES and bool(parts.hostname)


def has_password(url: str) -> bool:
    """Whether a URL carries `user:password@` (a secret that settings must not hold)."""
    try:
        return bool(urllib.parse.urlsplit(url.strip()).password)
    except ValueError:
        return False


def resolve_proxy(proxy: Proxy, target_url: str = "") -> str | None:
    """The proxy URL to hand a provider for requests to `target_url`, or None.

    "system" takes the environment/OS proxy for the target's scheme (https when unknown)
    and honours the no-proxy list for the target host.
    """
    if proxy.mode == "url":
        return proxy.url.strip() or None
    if proxy.mode != "system":
        return None
    import urllib.request  # only here: it costs start-up time

    parts = urllib.parse.urlsplit(target_url) if target_url else None
    scheme = parts.scheme if parts and parts.scheme in ("http", "https") else "https"
    host = parts.hostname if parts else None
    if host and urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(scheme) or proxies.get("all") or None
