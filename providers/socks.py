"""SOCKS proxies (socks4://, socks4a://, socks5://, socks5h://) as an aiohttp connector.

aiohttp's per-request `proxy=` takes only http(s) proxies; a SOCKS proxy has to be the
session's connector (aiohttp-socks). This module is imported only when one is configured,
so aiohttp-socks costs nothing at start-up otherwise.

As with curl, `socks5://` and `socks4://` resolve the target's name here and send the
address, `socks5h://` and `socks4a://` let the proxy resolve it (no DNS query leaves
this machine). The per-request `ssl=` context is used for the TLS handshake inside the
tunnel, so certificate checks and extra CAs apply as on a direct connection.

Failures leave as aiohttp's own exceptions, the ones a direct connection raises, so
`providers.http.network_errors` words them: the proxy unreachable, refusing the login
or the protocol is `SocksProxyError` (a ClientProxyConnectionError naming the proxy);
the target refused or unreachable through it is a ClientConnectorError naming the
target; an untrusted certificate is ClientConnectorCertificateError; a proxy that does
not answer in time is a timeout like any other.
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
import urllib.parse
from typing import TYPE_CHECKING

import aiohttp
import aiohttp_socks
from aiohttp_socks import ProxyConnectionError, ProxyType

from providers.errors import NetworkError
from providers.http import SocksProxyError, without_credentials

if TYPE_CHECKING:
    from aiohttp.client_reqrep import ClientRequest, ConnectionKey
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace

__all__ = ["SCHEMES", "SocksConnector", "socks_connector"]

#: scheme → (protocol, whether the proxy resolves the target's name)
SCHEMES: dict[str, tuple[ProxyType, bool]] = {
    "socks4": (ProxyType.SOCKS4, False),
    "socks4a": (ProxyType.SOCKS4, True),
    "socks5": (ProxyType.SOCKS5, False),
    "socks5h": (ProxyType.SOCKS5, True),
}
#: What curl and most clients assume when a SOCKS URL has no port.
DEFAULT_PORT = 1080


class SocksConnector(aiohttp_socks.ProxyConnector):
    """aiohttp-socks' connector whose failures are aiohttp's (see the module's words)."""

    def __init__(
        self,
        *,
        proxy_type: ProxyType,
        host: str,
        port: int,
        username: str | None,
        password: str | None,
        rdns: bool,
    ) -> None:
        super().__init__(
            host=host,
            port=port,
            proxy_type=proxy_type,
            username=username,
            password=password,
            rdns=rdns,
        )
        self._address = (host, port)
        self._secret = password or ""

    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 - aiohttp's signature
    ) -> Connection:
        key = req.connection_key
        try:
            return await super().connect(req, traces, timeout)
        except aiohttp.ClientError:
            raise
        except aiohttp_socks.ProxyError as error:
            if error.error_code is not None:  # the proxy's answer about the target
                raise aiohttp.ClientConnectorError(key, self._os_error(error)) from None
            raise self._proxy_failure(key, error) from None
        except ProxyConnectionError as error:
            raise self._proxy_failure(key, error) from None
        except (TimeoutError, aiohttp_socks.ProxyTimeoutError):
            # The library's clock and aiohttp's run out together, and either may be the
            # target's TLS handshake in the tunnel: both are the same plain timeout.
            raise TimeoutError from None
        except ssl.SSLCertVerificationError as error:
            raise aiohttp.ClientConnectorCertificateError(key, error) from None
        except ssl.SSLError as error:
            raise aiohttp.ClientConnectorSSLError(key, error) from None
        except socket.gaierror as error:  # socks5:// resolves the target's name here
            raise aiohttp.ClientConnectorDNSError(key, error) from None
        except OSError as error:  # e.g. a reset during the TLS handshake in the tunnel
            raise aiohttp.ClientConnectorError(key, error) from None

    def _os_error(self, error: Exception) -> OSError:
        """The library's words about `error`, with nothing of the password in them."""
        words = _why_unreachable(error) if isinstance(error, ProxyConnectionError) else str(error)
        if self._secret:
            words = words.replace(self._secret, "***")
        return OSError(errno.ECONNREFUSED, words)

    def _proxy_failure(self, key: ConnectionKey, error: Exception) -> SocksProxyError:
        host, port = self._address
        return SocksProxyError(key._replace(host=host, port=port), self._os_error(error))


def _why_unreachable(error: ProxyConnectionError) -> str:
    """Why the proxy could not be reached (refused, its name not resolving): the socket's
    own error under the library's two wrappers, whose message repeats the address."""
    cause = error.__cause__.__cause__ if error.__cause__ is not None else None
    if isinstance(cause, socket.gaierror):
        return cause.strerror or ""
    if isinstance(cause, OSError) and cause.errno:
        return os.strerror(cause.errno)
    return ""


def socks_connector(url: str) -> SocksConnector:
    """The connector for a SOCKS proxy URL; `user:password@` in it is the proxy's login
    (percent-encoded). An unknown scheme or a URL without a host is a NetworkError."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or not parts.hostname:
        raise NetworkError(reason="invalid_url", params={"url": without_credentials(url)})
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise NetworkError(reason="proxy_scheme", params={"scheme": scheme or "?"})
    proxy_type, rdns = SCHEMES[scheme]
    username = urllib.parse.unquote(parts.username) if parts.username is not None else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    if not f"{username or ''}{password or ''}".isascii():  # all the SOCKS library can send
        raise NetworkError(
            reason="invalid_url",
            params={"url": without_credentials(url)},
            detail="the proxy's user name and password must be ASCII",
        )
    return SocksConnector(
        proxy_type=proxy_type,
        host=parts.hostname,
        port=port or DEFAULT_PORT,
        username=username or None,
        password=password,
        rdns=rdns,
    )
