"""A loopback OpenAI-style SSE server that sends a long reply as fast as it can.

Every event is rendered before the first request, then written with one `write` each
(as a model server flushes every token), with no pause. Prints one JSON line
`{"base_url", "tokens", "chars"}` when it listens and serves until SIGTERM.

    python -m bench.sse_server --tokens 20000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from aiohttp import web

#: Tokens of about five characters, Russian and English, as a model's would be.
WORDS = (
    "При", "вет", ", ", "мир", "! ", "Это", " от", "вет", " мо", "дели", " с ", "текс",
    "том", ". ", "Hello", " wor", "ld", ", ", "this", " is", " a", " long", " rep", "ly",
    " про", " сер", "вер", " и ", "кли", "ент", "; ", "ёжик", " 🦔", " code", " and", " text",
)  # fmt: skip


def reply_tokens(count: int) -> list[str]:
    """The reply as `count` content deltas; a line break every 15 tokens."""
    tokens = []
    for index in range(count):
        token = WORDS[(index * 7 + index // len(WORDS)) % len(WORDS)]
        if index % 15 == 14:
            token += "\n"
        tokens.append(token)
    return tokens


#: A reply's worth of Markdown as models write it: headings, paragraphs, lists, a table,
#: code, math and a quote; repeated (numbered) until the reply has its tokens.
MARKDOWN = """## Раздел {n}: сравнение подходов

Вот **главное** о разделе {n}: функция `sorted()` возвращает *новый* список, а метод
`list.sort()` меняет исходный. Формула сложности: $O(n \\log n)$ в среднем.

1. Первый шаг: прочитать данные и проверить их.
2. Второй шаг: отсортировать по ключу `age`.
   - вложенный пункт с пояснением
   - ещё один
3. Третий шаг: вывести результат.

| способ | на месте | результат |
|---|---|---|
| `sorted()` | нет | новый список |
| `list.sort()` | да | `None` |

```python
def by_age(people: list[dict[str, int]]) -> list[dict[str, int]]:
    # раздел {n}
    return sorted(people, key=lambda p: p["age"])
```

> Замечание: для больших данных стоит подумать о памяти.

$$\\sum_{{i=1}}^{{n}} i = \\frac{{n(n+1)}}{{2}}$$

- [x] проверено
- [ ] задокументировано

"""


def markdown_tokens(count: int) -> list[str]:
    """`count` deltas of Markdown of about four characters each (line breaks kept
    inside tokens, as a model's tokenizer would)."""
    tokens: list[str] = []
    section = 0
    while len(tokens) < count:
        section += 1
        text = MARKDOWN.format(n=section)
        tokens += [text[i : i + 4] for i in range(0, len(text), 4)]
    return tokens[:count]


def render(tokens: list[str]) -> list[bytes]:
    events = []
    for token in tokens:
        item = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "bench-model",
            "choices": [{"index": 0, "delta": {"content": token}, "finish_reason": None}],
        }
        events.append(b"data: " + json.dumps(item, ensure_ascii=False).encode() + b"\n\n")
    last = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "bench-model",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": len(tokens), "total_tokens": 0},
    }
    events.append(b"data: " + json.dumps(last).encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def app(events: list[bytes]) -> web.Application:
    async def chat(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        for event in events:
            await response.write(event)
        await response.write_eof()
        return response

    async def models(request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "bench-model"}]})

    application = web.Application(client_max_size=64 * 1024 * 1024)
    application.router.add_post("/v1/chat/completions", chat)
    application.router.add_get("/v1/models", models)
    return application


async def serve(tokens: int, port: int, *, markdown: bool = False) -> None:
    text = markdown_tokens(tokens) if markdown else reply_tokens(tokens)
    runner = web.AppRunner(app(render(text)), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = runner.addresses[0][1]
    ready = {
        "base_url": f"http://127.0.0.1:{bound}/v1",
        "tokens": tokens,
        "chars": len("".join(text)),
    }
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=900)  # never outlives a bench run
    except TimeoutError:
        pass
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--markdown", action="store_true", help="a Markdown reply")
    args = parser.parse_args()
    asyncio.run(serve(args.tokens, args.port, markdown=args.markdown))


if __name__ == "__main__":
    main()
