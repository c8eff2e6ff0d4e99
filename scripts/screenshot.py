"""Screenshots of the real window on a virtual X screen (Xvfb), for people and the README.

Usage: .venv/bin/python scripts/screenshot.py [OUT_DIR]   (default: screenshots/)
Writes, each rendered by the real app (`besedka --screenshot`) from a throwaway profile
holding a conversation with Cyrillic text, a highlighted code block and a failed reply:

  main-ru-dark.png    Russian interface, dark theme
  main-en-light.png   English interface, light theme
  main-window.png     the same as main-en-light.png (the name the README first used)
  welcome.png         first start: no provider ready, the welcome panel
  streaming.png       a reply mid-stream from a loopback server: its finished blocks (a
                      table, highlighted code) rendered while the rest still comes
  streaming-ru-dark.png  the same in Russian, dark
  settings.png        the Settings dialog
  narrow.png          the window at 640×480: the sidebar gives way to the conversation
  narrow-ru-dark.png  the same in Russian, dark
  settings-ru-dark.png  the Settings dialog in Russian, dark
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gui.core.paths import AppPaths  # noqa: E402
from gui.core.settings import Settings  # noqa: E402
from gui.core.store import MessageStatus, Store  # noqa: E402
from gui.values import ErrorInfo  # noqa: E402

QUESTION = "Как отсортировать список словарей по ключу в Python?"
ANSWER = """Используйте `sorted` с параметром `key`:

```python
people = [{"имя": "Анна", "возраст": 31}, {"имя": "Борис", "возраст": 25}]
# сортировка по возрасту
by_age = sorted(people, key=lambda p: p["возраст"])
print(by_age[0]["имя"])  # Борис
```

| способ | на месте | результат |
|---|---|---|
| `sorted()` | нет | новый список |
| `list.sort()` | да | `None` |

Подробнее: [документация](https://docs.python.org/3/howto/sorting.html).
"""


FOLLOW_UP = "А как отсортировать по убыванию?"
#: A failed reply as the store keeps it (as data): the view words it in its language.
FAILURE = ErrorInfo(
    "rate_limit",
    provider="GigaChat",
    status=429,
    detail="Too Many Requests",
    params={"retry_after": 30},
)

#: file name, interface language, theme
SHOTS = (
    ("main-ru-dark.png", "ru", "dark"),
    ("main-en-light.png", "en", "light"),
)

#: What the loopback model streams for streaming.png, a few characters every 12 ms; it
#: holds the last part back until the screenshot is taken.
STREAMED = """Вот сравнение двух способов:

| способ | на месте | результат |
|---|---|---|
| `sorted()` | нет | новый список |
| `list.sort()` | да | `None` |

```python
people.sort(key=lambda p: p["возраст"], reverse=True)
print([p["имя"] for p in people])  # ['Анна', 'Борис']
```

1. **`sorted()`** — когда исходный список нужен без изменений;
2. **`list.sort()`** — когда список большой и копия не нужна.

> Оба способа устойчивы: равные элементы сохраняют порядок.

Сложность обоих — $O(n \\log n)$, а число сравнений не больше $\\log_2 n!$.

- [x] по возрасту
- [ ] по имени

Ещё можно сортировать по нескольким ключам сразу: передайте кортеж, например
`key=lambda p: (p["возраст"], p["имя"])`, и Python сравнит элементы по очереди. Для
больших данных подумайте о
"""


def seed_profile(base: Path, *, theme: str, language: str) -> None:
    paths = AppPaths.under(base).ensure()
    store = Store.open(paths.history_db)
    try:
        store.create_conversation(title="Recipe ideas", provider="openai", model="llama3.2")
        work = store.create_folder("Работа")  # a folder with two chats (#22)
        for title in ("План на квартал", "Отчёт для совета"):
            chat = store.create_conversation(title=title, provider="gigachat", model="GigaChat")
            store.add_message(chat.id, "user", title)
            store.move_to_folder(chat.id, work.id)
        conversation = store.create_conversation(provider="gigachat", model="GigaChat")
        store.add_message(conversation.id, "user", QUESTION)
        store.add_message(
            conversation.id, "assistant", ANSWER, provider="gigachat", model="GigaChat"
        )
        store.add_message(conversation.id, "user", FOLLOW_UP)
        store.add_message(
            conversation.id,
            "assistant",
            "",
            status=MessageStatus.FAILED,
            error=FAILURE,
            provider="gigachat",
            model="GigaChat",
        )
        store.update_conversation(conversation.id, title="Сортировка словарей")
    finally:
        store.close()
    settings = Settings(paths.settings_file)
    settings.theme = theme  # type: ignore[assignment]
    settings.language = language  # type: ignore[assignment]
    settings.save()


def seed_streaming(base: Path, url: str, *, theme: str, language: str) -> None:
    """A profile whose OpenAI-compatible provider is the loopback model at `url`."""
    from gui.core.provider_info import describe_all

    openai = next(info for info in describe_all() if info.name == "openai")
    paths = AppPaths.under(base).ensure()
    Store.open(paths.history_db).close()
    settings = Settings(paths.settings_file)
    settings.theme = theme  # type: ignore[assignment]
    settings.language = language  # type: ignore[assignment]
    settings.set_field(openai, "base_url", url)
    settings.set_last_choice("openai", "demo-model")
    settings.save()


def seed_empty(base: Path, *, theme: str, language: str) -> None:
    paths = AppPaths.under(base).ensure()
    settings = Settings(paths.settings_file)
    settings.theme = theme  # type: ignore[assignment]
    settings.language = language  # type: ignore[assignment]
    settings.save()


class LoopbackModel:
    """An OpenAI-style server on 127.0.0.1 streaming STREAMED slowly, in its own thread."""

    def __init__(self) -> None:
        import asyncio
        import threading

        self.url = ""
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        import asyncio
        import json

        from aiohttp import web

        async def chat(request: web.Request) -> web.StreamResponse:
            await request.read()
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            for start in range(0, len(STREAMED), 3):
                delta = {
                    "choices": [{"index": 0, "delta": {"content": STREAMED[start : start + 3]}}]
                }
                await response.write(b"data: " + json.dumps(delta).encode() + b"\n\n")
                await asyncio.sleep(0.012)
            await asyncio.sleep(60)  # still streaming when the picture is taken
            return response

        async def models(request: web.Request) -> web.Response:
            return web.json_response({"object": "list", "data": [{"id": "demo-model"}]})

        async def start() -> None:
            app = web.Application()
            app.router.add_post("/v1/chat/completions", chat)
            app.router.add_get("/v1/models", models)
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
            self._ready.set()

        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(start())
        self._loop.run_forever()


def shoot(
    out: Path,
    *,
    theme: str = "light",
    language: str = "en",
    seed: str = "chat",
    scene: str = "",
    size: tuple[int, int] | None = None,
    model: LoopbackModel | None = None,
) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="besedka-shot-") as tmp:
        base = Path(tmp) / "profile"
        if seed == "streaming" and model is not None:
            seed_streaming(base, model.url, theme=theme, language=language)
        elif seed == "empty":
            seed_empty(base, theme=theme, language=language)
        else:
            seed_profile(base, theme=theme, language=language)
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        try:
            with os.fdopen(read_fd) as pipe:
                display = pipe.readline().strip()
            env = dict(
                os.environ,
                DISPLAY=f":{display}",
                QT_QPA_PLATFORM="xcb",
                HOME=tmp,
                LANGUAGE=language,
            )
            runtime = Path(tmp) / "run"
            runtime.mkdir(mode=0o700)
            env.update(  # a keychain of its own too, not the caller's (tests run in one)
                XDG_DATA_HOME=f"{tmp}/.local/share",
                XDG_CONFIG_HOME=f"{tmp}/.config",
                XDG_CACHE_HOME=f"{tmp}/.cache",
                XDG_RUNTIME_DIR=str(runtime),
            )
            env.pop("GIGACHAT_CREDENTIALS", None)
            env.pop("OPENAI_API_KEY", None)
            env.pop("OPENAI_BASE_URL", None)
            env["BESEDKA_SCREENSHOT_SCENE"] = scene
            if size is not None:
                env["BESEDKA_SCREENSHOT_SIZE"] = f"{size[0]}x{size[1]}"
            besedka = Path(sys.executable).with_name("besedka")
            command = [str(besedka), "--basedir", str(base), "--screenshot", str(out)]
            if shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"):
                # A keychain of its own, unlocked and empty: the profile has no key.
                command = [
                    "dbus-run-session",
                    "--",
                    "sh",
                    "-c",
                    "echo -n shot | gnome-keyring-daemon --unlock --components=secrets"
                    ' >/dev/null 2>&1; exec "$@"',
                    "besedka",
                    *command,
                ]
            subprocess.run(command, env=env, check=True, timeout=120)
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return out


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    for name, language, theme in SHOTS:
        print(shoot(out_dir / name, theme=theme, language=language))
    shutil.copyfile(out_dir / "main-en-light.png", out_dir / "main-window.png")
    print(shoot(out_dir / "welcome.png", seed="empty"))
    print(shoot(out_dir / "settings.png", scene="settings"))
    print(shoot(out_dir / "narrow.png", size=(640, 480)))
    print(shoot(out_dir / "narrow-ru-dark.png", size=(640, 480), theme="dark", language="ru"))
    print(shoot(out_dir / "settings-ru-dark.png", scene="settings", theme="dark", language="ru"))
    model = LoopbackModel()
    ask = "send:Как отсортировать список словарей по возрасту, по убыванию?"
    print(shoot(out_dir / "streaming.png", seed="streaming", scene=ask, model=model))
    print(
        shoot(
            out_dir / "streaming-ru-dark.png",
            seed="streaming",
            scene=ask,
            model=model,
            theme="dark",
            language="ru",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
