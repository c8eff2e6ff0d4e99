"""A real SOCKS5 proxy on loopback (RFC 1928 CONNECT, RFC 1929 user/password), for tests.

It speaks the protocol byte by byte and tunnels the bytes to the target, so a client
that works through it works through any SOCKS5 server. Every CONNECT is recorded with
the address type the client sent: a domain name (`socks5h://`, resolved here) or an
IPv4/IPv6 address (`socks5://`, resolved by the client).

In tests: `async with Socks5Server(username="u", password="p").running() as proxy:`
then `proxy.url` (no credentials in it) or `proxy.url_with("u", "p")`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import ipaddress
import socket
import struct
from collections.abc import AsyncIterator
from typing import Literal
from urllib.parse import quote

__all__ = ["Socks5Server", "Target"]

VERSION = 5
NO_AUTH, USER_PASSWORD, NO_ACCEPTABLE = 0x00, 0x02, 0xFF
CONNECT = 0x01
IPV4, DOMAIN, IPV6 = 0x01, 0x03, 0x04
# Reply codes (RFC 1928 §6)
SUCCEEDED = 0x00
GENERAL_FAILURE = 0x01
HOST_UNREACHABLE = 0x04
CONNECTION_REFUSED = 0x05
COMMAND_NOT_SUPPORTED = 0x07
ADDRESS_TYPE_NOT_SUPPORTED = 0x08

AddressKind = Literal["ipv4", "domain", "ipv6"]


@dataclasses.dataclass(frozen=True)
class Target:
    """One CONNECT request as the client sent it."""

    kind: AddressKind
    host: str
    port: int


class _Refused(Exception):
    """The client broke the protocol or failed to log in: the connection ends, after
    the reply code given, if any."""

    def __init__(self, reply: int | None = None) -> None:
        super().__init__(reply)
        self.reply = reply


class Socks5Server:
    """Switches and records of one proxy.

    username, password   required credentials (None: only "no authentication" is taken)
    targets              every CONNECT request, in order
    logins               every (user, password) a client offered
    sent, received       bytes tunnelled to targets and back to clients
    silent               take connections and never answer (a hung proxy)
    """

    def __init__(self, *, username: str | None = None, password: str | None = None) -> None:
        self.username = username
        self.password = password
        self.targets: list[Target] = []
        self.logins: list[tuple[str, str]] = []
        self.sent = 0
        self.received = 0
        self.silent = False
        self.host = "127.0.0.1"
        self.port = 0
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"socks5://{self.host}:{self.port}"

    def url_with(self, username: str, password: str, *, scheme: str = "socks5") -> str:
        user, secret = quote(username, safe=""), quote(password, safe="")
        return f"{scheme}://{user}:{secret}@{self.host}:{self.port}"

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Socks5Server]:
        server = await asyncio.start_server(self._handle, self.host, 0)
        self.port = int(server.sockets[0].getsockname()[1])
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()

    # -- one client ----------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            if self.silent:
                await asyncio.Event().wait()  # until the server stops
            await self._negotiate(reader, writer)
            target = await self._request(reader)
            if target is None:
                writer.write(_reply(COMMAND_NOT_SUPPORTED))
                return
            self.targets.append(target)
            try:
                up_reader, upstream = await asyncio.open_connection(target.host, target.port)
            except OSError as error:
                writer.write(_reply(_failure_code(error)))
                return
            bound_host, bound_port = upstream.get_extra_info("sockname")[:2]
            writer.write(_reply(SUCCEEDED, bound_host, bound_port))
            await writer.drain()
            await asyncio.gather(
                self._pipe(reader, upstream, "sent"), self._pipe(up_reader, writer, "received")
            )
        except _Refused as refused:
            if refused.reply is not None:
                writer.write(_reply(refused.reply))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # The server is stopping. Python 3.11's start_server logs a handler task that
            # ends cancelled ("Exception in callback"), so this one ends normally.
            pass
        finally:
            for stream in (writer, upstream):
                if stream is not None:
                    stream.close()
            self._tasks.discard(task)

    async def _negotiate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Method selection (RFC 1928 §3), then the sub-negotiation of RFC 1929 §2."""
        version, count = await reader.readexactly(2)
        if version != VERSION:
            raise _Refused
        methods = await reader.readexactly(count)
        wanted = NO_AUTH if self.username is None else USER_PASSWORD
        if wanted not in methods:
            writer.write(bytes([VERSION, NO_ACCEPTABLE]))
            raise _Refused
        writer.write(bytes([VERSION, wanted]))
        if wanted == NO_AUTH:
            return
        sub_version, user_length = await reader.readexactly(2)
        user = (await reader.readexactly(user_length)).decode("utf-8", "replace")
        (password_length,) = await reader.readexactly(1)
        password = (await reader.readexactly(password_length)).decode("utf-8", "replace")
        self.logins.append((user, password))
        good = (
            sub_version == 1
            and hmac.compare_digest(user.encode(), (self.username or "").encode())
            and hmac.compare_digest(password.encode(), (self.password or "").encode())
        )
        writer.write(bytes([1, 0 if good else 1]))
        if not good:
            await writer.drain()
            raise _Refused

    async def _request(self, reader: asyncio.StreamReader) -> Target | None:
        """The CONNECT request (RFC 1928 §4); None for any other command."""
        version, command, _reserved, kind = await reader.readexactly(4)
        if version != VERSION:
            raise _Refused
        target: Target
        if kind == IPV4:
            host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
            target = Target("ipv4", host, 0)
        elif kind == IPV6:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
            target = Target("ipv6", host, 0)
        elif kind == DOMAIN:
            (length,) = await reader.readexactly(1)
            target = Target("domain", (await reader.readexactly(length)).decode("idna"), 0)
        else:
            raise _Refused(ADDRESS_TYPE_NOT_SUPPORTED)
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if command != CONNECT:
            return None
        return dataclasses.replace(target, port=port)

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        counter: Literal["sent", "received"],
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                setattr(self, counter, getattr(self, counter) + len(data))
                writer.write(data)
                await writer.drain()
        if writer.can_write_eof():
            with contextlib.suppress(OSError):
                writer.write_eof()


def _reply(code: int, host: str = "0.0.0.0", port: int = 0) -> bytes:
    address = ipaddress.ip_address(host)
    kind = IPV4 if address.version == 4 else IPV6
    return bytes([VERSION, code, 0, kind]) + address.packed + struct.pack("!H", port)


def _failure_code(error: OSError) -> int:
    if isinstance(error, ConnectionRefusedError):
        return CONNECTION_REFUSED
    if isinstance(error, socket.gaierror):
        return HOST_UNREACHABLE
    return GENERAL_FAILURE
