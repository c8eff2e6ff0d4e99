"""A distinctive key goes through a whole session and shows up nowhere it should not.

The session: `besedka ask` runs (a reply, a server error, a refused key) and a GUI start in
subprocesses of the real app, then the window in process (a reply, an error, a crash —
an unexpected exception that gets logged with its traceback — and an export in every
format), all against the GigaChat emulator with the key in GIGACHAT_CREDENTIALS. Afterwards
every file under the profile, every log record (at DEBUG) and everything written to stdout
and stderr is searched for the key, the client secret inside it and the access tokens.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from keyring.backends import null

from gui.app import READY_MARKER, setup_logging
from gui.controller import ChatController
from gui.core.keychain import SecretStore
from gui.core.paths import AppPaths
from gui.core.provider_factory import ProviderFactory
from gui.core.settings import Settings
from gui.core.store import MessageStatus, Store
from gui.history_actions import HistoryActions
from gui.widgets.error_text import error_text
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from providers.gigachat import GigaChat
from providers.openai_compat import OpenAICompatible
from tests.faults.conftest import Desk, Ticker, open_desk, wait_for
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator, run_gigachat
from tests.servers.openai import OpenAIEmulator, run_openai

#: The offscreen platform's notice when a window sizes itself; nothing of ours.


ROOT = Path(__file__).resolve().parents[2]


def canary() -> tuple[str, str]:
    """An authorization key shaped like Sber's, and the client secret inside it."""
    client = f"canary-client-{uuid.uuid4().hex}"
    secret = f"canary-secret-{uuid.uuid4().hex}"
    return base64.b64encode(f"{client}:{secret}".encode()).decode(), secret


class CrashingGigaChat(GigaChatEmulator):
    """Can hand out one access token with a line break in it: the client then fails in a
    way nobody planned for (aiohttp refuses the header), which is our crash report."""

    broken_token_next = False

    def _issue(self) -> tuple[str, float]:
        token, expires = super()._issue()
        if self.broken_token_next:
            self.broken_token_next = False
            token = token[:40] + "\n" + token[40:]
            self.tokens[token] = expires
        return token, expires


def _command() -> list[str]:
    script = Path(sys.executable).parent / "besedka"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gui"]


async def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A child process, waited for in a thread so the emulator keeps serving on the loop."""
    run = functools.partial(
        subprocess.run,
        [*_command(), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    return await asyncio.get_running_loop().run_in_executor(None, run)


async def test_the_key_is_in_no_file_no_log_and_no_output_after_a_full_session(
    qtbot: Any,
    tmp_path: Path,
    server_ssl: Any,
    test_ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    key, client_secret = canary()
    profile = tmp_path / "profile"
    paths = AppPaths.under(profile).ensure()
    emulator = CrashingGigaChat(valid_key=key)
    outputs: list[str] = []
    async with run_gigachat(server_ssl, emulator=emulator):
        environment = {
            "GIGACHAT_CREDENTIALS": key,
            "GIGACHAT_BASE_URL": emulator.base_url,
            "GIGACHAT_AUTH_URL": emulator.auth_url,
            "GIGACHAT_CA_BUNDLE_FILE": str(test_ca_file),
        }
        child_env = {
            **os.environ,
            **environment,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "QT_QPA_PLATFORM": "offscreen",
        }
        ask = ["--basedir", str(profile), "ask", "--provider", "gigachat"]

        # -- the command line: a reply, a server error, a refused key; then the GUI ------
        done = await _run([*ask, "Привет! Как дела?"], child_env, tmp_path)
        outputs += [done.stdout, done.stderr]
        assert done.returncode == 0, done.stderr
        assert DEFAULT_REPLY in done.stdout

        emulator.fail_next(500)
        failed = await _run([*ask, "Ещё раз"], child_env, tmp_path)
        outputs += [failed.stdout, failed.stderr]
        assert failed.returncode == 1 and "GigaChat" in failed.stderr

        emulator.oauth_fail_next(401)
        refused = await _run([*ask, "И ещё"], child_env, tmp_path)
        outputs += [refused.stdout, refused.stderr]
        assert refused.returncode == 1 and "authorization failed" in refused.stderr

        gui = await _run(["--basedir", str(profile), "--quit-when-ready"], child_env, tmp_path)
        outputs += [gui.stdout, gui.stderr]
        assert gui.returncode == 0, gui.stderr
        assert READY_MARKER in gui.stdout

        # -- the window in process, wired as app.py wires it -----------------------------
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        root, qasync_log = logging.getLogger(), logging.getLogger("qasync")
        level, qasync_level, handlers = root.level, qasync_log.level, list(root.handlers)
        setup_logging(paths.log_file)  # as the app: a file in the profile, qasync at INFO
        caplog.set_level(logging.DEBUG)  # everything anyone logs, not only what the app keeps
        try:
            await _window_session(qtbot, paths, emulator)
        finally:
            for handler in root.handlers[:]:
                if handler not in handlers:
                    root.removeHandler(handler)
                    handler.close()
            root.setLevel(level)
            qasync_log.setLevel(qasync_level)

    # The session really happened: replies, failures, a logged crash, exports, settings.
    log_text = paths.log_file.read_text(encoding="utf-8")
    assert "reply failed" in log_text and "Traceback" in log_text
    exports = sorted(p.name for p in (paths.data_dir / "exports").iterdir())
    assert exports == ["chat.html", "chat.json", "chat.md"]
    assert DEFAULT_REPLY in (paths.data_dir / "exports" / "chat.md").read_text(encoding="utf-8")
    assert paths.settings_file.exists()
    store = Store.open(paths.history_db)
    try:
        assert len(store.list_conversations()) >= 3
    finally:
        store.close()

    tokens = [part for token in emulator.tokens for part in token.split("\n") if len(part) > 40]
    assert len(tokens) >= 5
    needles = {"the key": key, "the client secret": client_secret}
    needles |= {f"access token {n}": token for n, token in enumerate(tokens)}
    captured = capfd.readouterr()
    haystacks = {
        **{
            str(path.relative_to(tmp_path)): path.read_bytes().decode("utf-8", "replace")
            for path in sorted(profile.rglob("*"))
            if path.is_file()
        },
        "stdout and stderr of the children": "\n".join(outputs),
        "stdout of this process": captured.out,
        "stderr of this process": captured.err,
        "log records": caplog.text + "".join(str(r.args) + str(r.exc_info) for r in caplog.records),
    }
    assert len(haystacks) > 5
    leaks = [
        f"{what} in {where}"
        for where, text in haystacks.items()
        for what, needle in needles.items()
        if needle in text
    ]
    assert leaks == []


async def _window_session(qtbot: Any, paths: AppPaths, emulator: CrashingGigaChat) -> None:
    settings = Settings(paths.settings_file)
    secrets = SecretStore(null.Keyring())  # type: ignore[no-untyped-call]
    store = Store.open(paths.history_db)
    ticker = Ticker()
    try:
        async with aiohttp.ClientSession() as session:
            factory = ProviderFactory(
                session,
                lambda info: settings.aprovider_config(info, secrets),
                timeouts=settings.timeouts,
            )
            window = MainWindow()
            qtbot.addWidget(window)
            window.show()
            controller = ChatController(store, factory)
            Wiring(window, controller, provider="gigachat", model="GigaChat")
            desk = Desk(qtbot, window, controller, store, factory, {}, ticker)
            try:
                conversation = desk.ask("Привет из окна")
                assert (await desk.finished(conversation)).text == DEFAULT_REPLY

                emulator.fail_next(503, 3)  # the first try and both retries
                desk.type_and_send("and now an error")
                assert (await desk.finished(conversation)).status == MessageStatus.FAILED

                # The crash: a token the HTTP library refuses to send raises ValueError deep
                # in aiohttp; the reply records an internal error and the traceback is logged.
                emulator.revoke_tokens()
                emulator.broken_token_next = True
                desk.type_and_send("and now a crash")
                crashed = await desk.finished(conversation)
                assert crashed.status == MessageStatus.FAILED
                assert crashed.error is not None
                assert (crashed.error.kind, crashed.error.params) == (
                    "internal",
                    {"type": "ValueError"},
                )
                assert error_text(crashed.error) in desk.view_text()

                exports = paths.data_dir / "exports"
                exports.mkdir()
                for kind in ("md", "json", "html"):
                    HistoryActions(controller).export(
                        conversation, str(exports / f"chat.{kind}"), kind
                    )
                settings.set_last_choice(*controller.choice())
                settings.save()
            finally:
                await controller.shutdown()
    finally:
        ticker.stop()
        store.close()


# ---- servers that quote the key back ----------------------------------------------------


class QuotingOpenAI(OpenAIEmulator):
    """A self-hosted proxy that quotes the key it refused (some do, in full)."""

    def _unauthorized(self, request: Any) -> Any:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.api_key is not None and sent != self.api_key:
            from aiohttp import web

            return web.json_response(
                {"error": {"message": f"Incorrect API key provided: {sent}.", "code": 401}},
                status=401,
            )
        return None


async def test_a_server_quoting_the_key_back_does_not_put_it_on_screen_or_disk(
    qtbot: Any,
    tmp_path: Path,
    server_ssl: Any,
    test_ca_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong_key = f"sk-canary-{uuid.uuid4().hex}{uuid.uuid4().hex}"
    gigachat_key, _secret = canary()
    gigachat = GigaChatEmulator(valid_key=gigachat_key)
    async with (
        run_openai(QuotingOpenAI(api_key="sk-the-right-one")) as openai,
        run_gigachat(server_ssl, emulator=gigachat),
    ):
        configs = {
            "openai": {"base_url": openai.base_url, "api_key": wrong_key},
            "gigachat": {
                "api_key": gigachat_key,
                "base_url": gigachat.base_url,
                "auth_url": gigachat.auth_url,
                "ca_bundle": str(test_ca_file),
            },
        }
        gigachat.oauth_fail_next(401, 5, message=f"credentials {gigachat_key} doesn't match")
        async with open_desk(
            qtbot,
            tmp_path,
            classes={"openai": OpenAICompatible, "gigachat": GigaChat},
            provider="openai",
            model="llama3.2",
            configs=configs,
        ) as desk:
            await wait_for(lambda: len(openai.requests) >= 1)  # the live model list: a 401
            conversation = desk.ask("Привет")
            failed = await desk.finished(conversation)
            assert failed.status == MessageStatus.FAILED
            assert failed.error is not None
            assert "Incorrect API key provided" in failed.error.detail  # the server's words stay
            desk.window.picker.select("gigachat", "GigaChat")
            desk.controller.set_provider(conversation, "gigachat", "GigaChat")
            desk.type_and_send("and with GigaChat")
            await wait_for(lambda: desk.controller.is_busy(conversation) is False)
            refused = desk.last_reply(conversation)
            assert refused.status == MessageStatus.FAILED
            assert refused.error is not None
            assert (refused.error.kind, refused.error.provider) == ("auth", "GigaChat")
            shown = desk.view_text()
            assert error_text(failed.error) in shown and error_text(refused.error) in shown
    database = _history_bytes(tmp_path)
    assert openai.requests[0].headers.get("Authorization") == f"Bearer {wrong_key}"
    for secret in (wrong_key, gigachat_key):
        assert secret not in failed.error.to_json() and secret not in refused.error.to_json()
        assert secret not in shown
        assert secret.encode() not in database
        assert secret not in caplog.text


def _history_bytes(folder: Path) -> bytes:
    """The database with its WAL and journal files, whatever is on disk."""
    return b"".join(path.read_bytes() for path in sorted(folder.glob("history*")))
