"""Screenshots of the real window on a virtual X screen (Xvfb), for people and the README.

Usage: .venv/bin/python scripts/screenshot.py [OUT_DIR]   (default: screenshots/)
Writes, each rendered by the real app (`besedka --screenshot`) from a throwaway profile
holding a conversation with Cyrillic text, a highlighted code block and a failed reply:

  main-ru-dark.png    Russian interface, dark theme
  main-en-light.png   English interface, light theme
  main-window.png     the same as main-en-light.png (the name the README first used)
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


def seed_profile(base: Path, *, theme: str, language: str) -> None:
    paths = AppPaths.under(base).ensure()
    store = Store.open(paths.history_db)
    try:
        store.create_conversation(title="Recipe ideas", provider="openai", model="llama3.2")
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


def shoot(out: Path, *, theme: str = "light", language: str = "en") -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="besedka-shot-") as tmp:
        base = Path(tmp) / "profile"
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
            env.pop("GIGACHAT_CREDENTIALS", None)
            besedka = Path(sys.executable).with_name("besedka")
            subprocess.run(
                [str(besedka), "--basedir", str(base), "--screenshot", str(out)],
                env=env,
                check=True,
                timeout=120,
            )
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)
    return out


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots"
    for name, language, theme in SHOTS:
        print(shoot(out_dir / name, theme=theme, language=language))
    shutil.copyfile(out_dir / "main-en-light.png", out_dir / "main-window.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
