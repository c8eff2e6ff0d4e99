"""`besedka ask --provider` takes an OpenAI-compatible profile by name or by label, and
OPENAI_BASE_URL (+ OPENAI_API_KEY) points the "openai" profile elsewhere for one run."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gui.core.paths import AppPaths
from gui.core.profiles import Profile, profile_info
from gui.core.provider_info import describe
from gui.core.settings import Settings
from gui.core.store import Store
from providers.openai_compat import OpenAICompatible
from tests.gui.cli.test_ask import _ask
from tests.servers.openai import OpenAIEmulator, run_openai


@pytest.fixture
async def server() -> AsyncIterator[OpenAIEmulator]:
    emulator = OpenAIEmulator(reply="Ответ рабочего профиля.", models=["qwen3"])
    async with run_openai(emulator):
        yield emulator


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIGACHAT_", "OPENAI_"))}
    env.update(HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def save_profile(base: Path, name: str, **values: str) -> None:
    paths = AppPaths.under(base).ensure()
    settings = Settings(paths.settings_file)
    info = profile_info(describe(OpenAICompatible), Profile(name))
    for field, value in values.items():
        settings.set_field(info, field, value)
    settings.save()


def conversation_providers(base: Path) -> list[str]:
    store = Store.open(AppPaths.under(base).history_db)
    try:
        return [c.provider for c in reversed(store.list_conversations())]
    finally:
        store.close()


async def test_a_profile_by_its_name_or_its_label(server: OpenAIEmulator, tmp_path: Path) -> None:
    base = tmp_path / "profile"
    save_profile(base, "openai:work", label="Work", base_url=server.base_url, models="qwen3")
    env = environment(tmp_path)
    for given in ("openai:work", "work"):
        code, out, err = await _ask(["--basedir", str(base), "ask", "--provider", given, "hi"], env)
        assert code == 0, err
        assert out == "Ответ рабочего профиля.\n"
    assert conversation_providers(base) == ["openai:work", "openai:work"]
    assert [r.body["model"] for r in server.requests] == ["qwen3", "qwen3"]  # its first model

    code, _out, err = await _ask(["--basedir", str(base), "ask", "--provider", "Home", "x"], env)
    assert code == 2
    assert "unknown provider 'Home'" in err and "openai:work (Work)" in err


async def test_openai_base_url_and_key_make_the_openai_profile_for_one_run(
    tmp_path: Path,
) -> None:
    base = tmp_path / "profile"
    async with run_openai(OpenAIEmulator(api_key="sk-from-the-environment")) as server:
        env = environment(tmp_path)
        env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-from-the-environment")
        args = ["--basedir", str(base), "ask", "--provider", "openai", "--model", "llama3.2", "hi"]
        code, out, err = await _ask(args, env)
        assert code == 0, err
        assert out == server.reply + "\n"
        assert server.requests[-1].headers["Authorization"] == "Bearer sk-from-the-environment"

        del env["OPENAI_API_KEY"]  # the address alone: a server that takes no key
        server.api_key = None
        code, _out, err = await _ask(args, env)
        assert code == 0, err
        assert "Authorization" not in server.requests[-1].headers
    written = b"".join(p.read_bytes() for p in base.rglob("*.ini"))
    assert b"sk-from-the-environment" not in written and server.base_url.encode() not in written
