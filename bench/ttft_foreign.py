"""Time to first token of other GigaChat clients, run inside the separate bench venv.

Started as `bench/.venv-g4f/bin/python bench/ttft_foreign.py CLIENT ...`; imports only
the standard library, aiohttp and the client under test (never the project), and prints
`BENCH {json}` lines like the other children.

Clients:
  g4f            gpt4free's own GigaChat provider as it runs: per call a new SSL context
                 (from one CA file), session and connection.
                 Its hosts are fixed in its code, so it is handed a `connector` whose
                 resolver maps them to 127.0.0.1 and whose SSL context trusts the test CA
                 (its own context trusts only its embedded Russian CA; a connector passed
                 in replaces it). Verification stays on.
  g4f-keepalive  the same provider handed one connector that survives its sessions:
                 what it would cost if it kept its connection (not how it ships).
  sdk            the official `gigachat` SDK (httpx, one long-lived client), pointed at
                 the emulator by base_url/auth_url and trusting the test CA file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import sys
import time
import warnings
from pathlib import Path
from typing import Any

PROMPT = [{"role": "user", "content": "Привет! Ответь одним словом."}]


def emit(event: str, **fields: Any) -> None:
    print("BENCH " + json.dumps({"event": event, "t": time.time(), **fields}), flush=True)


def _resolver() -> Any:
    """bench.loopback_dns's resolver; the project root is put on the path for it alone."""
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.append(root)
    from bench.loopback_dns import LoopbackResolver as Resolver

    return Resolver()


def _connector_class() -> Any:
    from aiohttp import TCPConnector

    class KeptConnector(TCPConnector):
        """Ignores the close of each session so its pooled connection is reused."""

        async def close(self, *, abort_ssl: bool = False) -> None:
            return None

        async def really_close(self) -> None:
            await super().close()

    return KeptConnector


async def _g4f(args: argparse.Namespace, keepalive: bool) -> list[float]:
    from aiohttp import TCPConnector
    from g4f.Provider.needs_auth.GigaChat import GigaChat  # type: ignore[import-not-found]

    kept = None
    if keepalive:
        context = ssl.create_default_context(cafile=args.ca)
        kept = _connector_class()(ssl=context, resolver=_resolver())

    async def once() -> float:
        started = time.perf_counter()
        connector = kept
        if connector is None:  # as it ships: a context from one CA file, per call
            fresh = ssl.create_default_context(cafile=args.ca)
            connector = TCPConnector(ssl=fresh, resolver=_resolver())
        first: float | None = None
        async for chunk in GigaChat.create_async_generator(
            "GigaChat", PROMPT, stream=True, api_key=args.key, connector=connector
        ):
            if first is None and isinstance(chunk, str) and chunk:
                first = time.perf_counter()
        if first is None:
            raise RuntimeError("g4f yielded no text")
        return first - started

    try:
        return await _samples(once, args)
    finally:
        if kept is not None:
            await kept.really_close()


async def _sdk(args: argparse.Namespace) -> list[float]:
    from gigachat import GigaChat  # type: ignore[import-not-found]

    client = GigaChat(
        credentials=args.key,
        base_url=args.sdk_base_url,
        auth_url=args.sdk_auth_url,
        ca_bundle_file=args.ca,
        scope="GIGACHAT_API_PERS",
        verify_ssl_certs=True,
    )

    async def once() -> float:
        started = time.perf_counter()
        first: float | None = None
        async for chunk in client.astream({"model": "GigaChat", "messages": PROMPT}):
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter()
        if first is None:
            raise RuntimeError("the SDK yielded no text")
        return first - started

    try:
        return await _samples(once, args)
    finally:
        await client.aclose()


async def _samples(once: Any, args: argparse.Namespace) -> list[float]:
    for _ in range(args.warmup):  # token, connection, imports and caches
        await once()
    samples = []
    for _ in range(args.n):
        samples.append(await once())
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("client", choices=("g4f", "g4f-keepalive", "sdk"))
    parser.add_argument("--ca", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--sdk-base-url", default="https://127.0.0.1:443/api/v1")
    parser.add_argument("--sdk-auth-url", default="https://127.0.0.1:9443/api/v2/oauth")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    try:
        if args.client == "sdk":
            samples = asyncio.run(_sdk(args))
        else:
            samples = asyncio.run(_g4f(args, keepalive=args.client == "g4f-keepalive"))
    except Exception as error:  # reported, not raised: the parent prints why
        emit("error", client=args.client, error=f"{type(error).__name__}: {error}"[:500])
        sys.exit(1)
    emit("samples", client=args.client, ttft=samples)


if __name__ == "__main__":
    main()
