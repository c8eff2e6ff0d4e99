"""4. Time to first token through `providers.GigaChat` against the GigaChat emulator,
next to gpt4free's own GigaChat provider and the official `gigachat` SDK.

The emulator listens where the real service does, 127.0.0.1:443 (API) and :9443
(OAuth), with a test certificate for the two Sber host names and the lenient switch
that accepts gpt4free's `Bearer` OAuth. Every client trusts the test CA; none turns
verification off. gpt4free and the SDK live in their own venv (`bench/.venv-g4f`),
never in the project's.

Child: `python -m bench.ttft ours|ours-newconn --ca FILE --key KEY --n N`.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    BENCH,
    PYTHON,
    RESULTS,
    WORK,
    Figure,
    child_env,
    emit,
    error_figure,
    first,
    median,
    run_child,
    spread,
    start_server,
    stop,
)
from providers.base import Message

FOREIGN_VENV = BENCH / ".venv-g4f"
FOREIGN_PYTHON = FOREIGN_VENV / "bin" / "python"
FOREIGN_PACKAGES = ("g4f", "gigachat")
PROMPT: list[Message] = [{"role": "user", "content": "Привет! Ответь одним словом."}]
SAMPLES = 30
WARMUP = 3


# -- child: our provider ---------------------------------------------------------------


async def _ours(args: argparse.Namespace) -> list[float]:
    import aiohttp

    from bench.loopback_dns import LoopbackResolver
    from providers.auth import TokenCache
    from providers.gigachat import LEGACY_BASE_URL, GigaChat

    # One provider, as the app's ProviderFactory keeps one per configuration: its SSL
    # context (system store + Russian CA + test CA, ~20 ms to build) is made once.
    # "ours-newconn" closes every connection after its request (token still cached).
    connector = aiohttp.TCPConnector(
        resolver=LoopbackResolver(), force_close=args.client == "ours-newconn"
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        # The real host names, resolved to the emulator by the connector: the old API
        # host (the SDK's default before 0.2.3), which gpt4free still calls, so both
        # clients of the comparison speak to the same host; OAuth at its default.
        provider = GigaChat(
            session=session,
            api_key=args.key,
            base_url=LEGACY_BASE_URL,
            ca_bundle=args.ca,
            token_cache=TokenCache(),
        )
        samples: list[float] = []
        for index in range(args.warmup + args.n):
            started = time.perf_counter()
            first_at: float | None = None
            async for chunk in provider.stream(None, PROMPT):
                if first_at is None and isinstance(chunk, str) and chunk:
                    first_at = time.perf_counter()
            if first_at is None:
                raise RuntimeError("no text")
            if index >= args.warmup:
                samples.append(first_at - started)
    return samples


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("client", choices=("ours", "ours-newconn"))
    parser.add_argument("--ca", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--n", type=int, default=SAMPLES)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    args = parser.parse_args(argv)
    try:
        samples = asyncio.run(_ours(args))
    except Exception as error:
        emit("error", client=args.client, error=f"{type(error).__name__}: {error}"[:500])
        sys.exit(1)
    emit("samples", client=args.client, ttft=samples)


# -- parent ----------------------------------------------------------------------------


def ensure_foreign_venv(log: Path) -> str | None:
    """Create `bench/.venv-g4f` with g4f and gigachat; None when ready, else why not."""

    def importable(name: str) -> bool:
        probe = [str(FOREIGN_PYTHON), "-c", f"import {name}"]
        return subprocess.run(probe, capture_output=True, timeout=120).returncode == 0

    if FOREIGN_PYTHON.exists() and all(importable(p) for p in FOREIGN_PACKAGES):
        return None
    with log.open("w") as out:
        if not FOREIGN_PYTHON.exists():
            made = subprocess.run(
                [sys.executable, "-m", "venv", str(FOREIGN_VENV)], stdout=out, stderr=out
            )
            if made.returncode:
                return f"python -m venv failed (see {log})"
        for package in FOREIGN_PACKAGES:  # one at a time: the SDK may fail alone
            if not importable(package):
                subprocess.run(
                    [str(FOREIGN_PYTHON), "-m", "pip", "install", "-q", package],
                    stdout=out,
                    stderr=out,
                    timeout=300,
                )
    missing = [p for p in FOREIGN_PACKAGES if not importable(p)]
    return f"pip could not install {', '.join(missing)} (see {log})" if missing else None


def _run_client(client: str, ready: dict[str, Any], ca: Path, env: dict[str, str]) -> Any:
    common = ["--ca", str(ca), "--key", ready["key"], "--n", str(SAMPLES)]
    if client.startswith("ours"):
        args = [PYTHON, "-m", "bench.ttft", client, *common, "--warmup", str(WARMUP)]
    else:
        args = [str(FOREIGN_PYTHON), str(BENCH / "ttft_foreign.py"), client, *common]
        args += ["--warmup", str(WARMUP)]
    result = run_child(args, env=env, timeout=120)
    samples = first(result.events, "samples")
    if samples is None:
        failure = first(result.events, "error")
        reason = failure["error"] if failure else result.stderr.strip()[-400:]
        return f"{client} failed: {reason or f'exit {result.returncode}'}"
    return [float(v) for v in samples["ttft"]]


def measure() -> list[Figure]:
    title = "TTFT, warm: ours / gpt4free"
    WORK.mkdir(parents=True, exist_ok=True)
    home = WORK / "home-ttft"
    env = child_env(home)
    ca = WORK / "gigachat-test-ca.pem"
    why_not = ensure_foreign_venv(RESULTS / "venv-g4f-install.log")
    try:
        server, ready = start_server(
            [
                PYTHON,
                "-m",
                "tests.servers.gigachat",
                "--host",
                "127.0.0.1",
                "--port",
                "443",
                "--auth-port",
                "9443",
                "--lenient",
                "--ca-out",
                str(ca),
                "--tls-names",
                "gigachat.devices.sberbank.ru",
                "ngw.devices.sberbank.ru",
            ],
            env=env,
        )
    except RuntimeError as error:
        return [
            error_figure("4", title, "×", f"the emulator could not listen on 443/9443: {error}")
        ]
    results: dict[str, Any] = {}
    try:
        clients = ["ours", "ours-newconn"]
        if why_not is None:
            clients += ["g4f", "g4f-keepalive", "sdk"]
        # Two rounds in opposite orders, so drift on a noisy machine hits all alike.
        for order in (clients, list(reversed(clients))):
            for client in order:
                outcome = _run_client(client, ready, ca, env)
                if isinstance(outcome, str):
                    results[client] = outcome
                elif not isinstance(results.get(client), str):
                    results.setdefault(client, []).extend(outcome)
    finally:
        stop(server)
    medians = {c: median(v) * 1000 for c, v in results.items() if isinstance(v, list)}
    details: dict[str, Any] = {
        client: {**spread([x * 1000 for x in v]), "unit": "ms"} if isinstance(v, list) else v
        for client, v in results.items()
    }
    figures: list[Figure] = []
    if "ours" not in medians:
        figures.append(error_figure("4", title, "×", str(results.get("ours"))))
        return figures
    if why_not is not None:
        figures.append(error_figure("4", title, "×", f"gpt4free unavailable: {why_not}", "SKIP"))
    elif "g4f" not in medians:
        figures.append(error_figure("4", title, "×", str(results.get("g4f"))))
    else:
        figures.append(
            Figure(
                "4",
                title,
                medians["ours"] / medians["g4f"],
                "×",
                budget=0.5,
                note=(
                    f"medians of {2 * SAMPLES}: ours {medians['ours']:.2f} ms on the app's "
                    f"shared session; gpt4free {medians['g4f']:.2f} ms as it ships (per call a new "
                    "SSL context, "
                    "session and TLS handshake; token cached in its module globals)"
                ),
                details=details,
            ).judge()
        )
    extras = [
        ("ours", "TTFT ours (warm connection)"),
        ("ours-newconn", "TTFT ours, new connection per call"),
        ("g4f", "TTFT gpt4free GigaChat"),
        ("g4f-keepalive", "TTFT gpt4free with a kept connection"),
        ("sdk", "TTFT official gigachat SDK (httpx)"),
    ]
    for client, label in extras:
        if client in medians:
            figures.append(Figure("4", label, medians[client], "ms", details=details[client]))
        elif isinstance(results.get(client), str):
            figures.append(error_figure("4", label, "ms", str(results[client])))
    if "sdk" in medians:
        figures.append(
            Figure("4", "TTFT ours / official SDK", medians["ours"] / medians["sdk"], "×")
        )
    return figures


if __name__ == "__main__":
    child(sys.argv[1:])
