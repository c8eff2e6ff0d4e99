"""An aiohttp resolver that maps GigaChat's two real host names to 127.0.0.1.

gpt4free's provider has its hosts written into the code; this is how it reaches the
emulator without touching /etc/hosts. Every other name is refused, so nothing leaves
the machine. Imported by both the project's and the gpt4free bench environment, so
it needs nothing but aiohttp.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp.abc import AbstractResolver

SBER_HOSTS = ("gigachat.devices.sberbank.ru", "ngw.devices.sberbank.ru")


class LoopbackResolver(AbstractResolver):
    def __init__(self, names: tuple[str, ...] = SBER_HOSTS) -> None:
        self.names = frozenset(names) | {"localhost", "127.0.0.1"}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[Any]:
        if host not in self.names:
            raise OSError(f"bench resolver: {host} is not a loopback name")
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None
