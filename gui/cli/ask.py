"""`besedka ask`: one question on the command line, the reply streamed to stdout.

The turn is the window's (`gui.core.session.ChatSession`): both messages land in the
same history the window shows. Failures print the error in plain English, one line, on
stderr and exit non-zero (the statuses are in `gui.cli.parser` and `besedka ask --help`);
the partial reply is kept in the history.

The reply and the server's words are untrusted: on a terminal they pass through
`gui.cli.terminal.TerminalFilter` (no clipboard writes, titles, screen clears), unless
`--raw`. A reader that goes away (`| head`) stops the reply quietly; what arrived is kept
as a stopped reply.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from gui.cli.parser import FAILED, INTERRUPTED, NO_HISTORY, OK, PIPE_CLOSED, USAGE
from gui.core.paths import AppPaths

#: a tool failed (its server crashed, timed out…); the model was told, the reply is complete
TOOL_FAILED = 4

if TYPE_CHECKING:
    from pathlib import Path

    from gui.cli.ask_tools import ToolRun
    from gui.cli.terminal import TerminalFilter
    from gui.core.keychain import SecretStore
    from gui.core.provider_factory import ProviderFactory
    from gui.core.session import ChatSession, ReplyRecorder, Turn
    from gui.core.settings import Settings
    from gui.core.tool_loop import ToolLoop

__all__ = ["ask", "history_error", "run_ask"]

_INTERRUPTED = "interrupted; the reply so far is kept"


def run_ask(args: argparse.Namespace, paths: AppPaths) -> int:
    import asyncio

    from gui.core.keychain import hold_secret_environment

    held = hold_secret_environment()  # before anything could start a child process
    _tolerant(sys.stdin, sys.stdout, sys.stderr)
    raw: bool = args.raw
    try:
        text = _readable(" ".join(args.text) if args.text else sys.stdin.read()).strip()
        if not text:
            _say(sys.stderr, "nothing to ask (give TEXT or pipe it on stdin)", raw=raw)
            return USAGE
        return asyncio.run(
            ask(
                text,
                paths,
                provider=args.provider,
                model=args.model,
                continue_id=args.continue_id,
                raw=raw,
                thinking=args.thinking,
                environment=held,
                tools=getattr(args, "tools", None) or (),
                mcp_config=getattr(args, "mcp_config", None),
                yes=getattr(args, "yes", False),
                attach=getattr(args, "attach", None) or (),
            )
        )
    except KeyboardInterrupt:  # Ctrl+C before the reply streamed (while it did: _stream)
        _say(sys.stderr, "interrupted", raw=raw)
        return INTERRUPTED


async def ask(
    text: str,
    paths: AppPaths,
    *,
    provider: str | None = None,
    model: str | None = None,
    continue_id: int | None = None,
    raw: bool = False,
    thinking: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    secrets: SecretStore | None = None,
    environment: Mapping[str, str] | None = None,
    tools: Sequence[str] = (),
    mcp_config: Path | None = None,
    yes: bool = False,
    attach: Sequence[Path] = (),
) -> int:
    """Ask, stream the reply to `out`, and return the exit status. With `tools`, those
    servers' tools are offered (gui.cli.ask_tools)."""
    from gui.core.keychain import SecretStore
    from gui.core.provider_factory import ProviderFactory, client_session
    from gui.core.session import ChatSession
    from gui.core.settings import Settings
    from gui.core.store import Store, StoreError

    out = out or sys.stdout
    err = err or sys.stderr

    def say(message: str) -> None:
        _say(err, message, raw=raw)

    settings = Settings(paths.settings_file)
    keys = secrets or SecretStore(environment=environment)
    run: ToolRun | None = None
    if tools or mcp_config is not None:
        from gui.cli.ask_tools import open_tools

        opened = open_tools(paths, tools, mcp_config, keys, list(environment or ()), say)
        if isinstance(opened, str):
            say(opened)
            return USAGE
        run = opened if tools else None
    try:
        store = Store.open(paths.history_db)
    except Exception as error:  # whatever it is, one line in plain words: no traceback
        say(history_error(error, paths))
        return NO_HISTORY
    try:
        async with (
            client_session() as session,
            ProviderFactory(  # closes its SOCKS proxies' sessions on the way out
                session,
                lambda info: settings.aprovider_config(info, keys),
                timeouts=settings.timeouts,
                profiles=settings.profiles,
            ) as factory,
        ):
            chat = ChatSession(store, factory)
            if attach:  # the files go with the question (gui.core.attachments)
                from gui.core.attachments import take_files

                taken = await take_files(attach, store.attachments_dir)
                if isinstance(taken, str):
                    say(taken)
                    return USAGE
                chat.next_attachments = taken
            loop = await run.loop(yes=yes) if run is not None else None
            if isinstance(loop, str):
                say(loop)
                return USAGE
            try:
                turn = _open_turn(chat, settings, text, provider, model, continue_id)
            except StoreError as error:  # e.g. a history that opened read-only
                say(str(error))
                return NO_HISTORY
            if isinstance(turn, str):  # a usage problem, in words
                say(turn)
                return USAGE
            thought = _Output(err, raw=raw) if thinking else None
            code = await _stream(chat, turn, _Output(out, raw=raw), say, keys, thought, loop)
            return TOOL_FAILED if code == OK and run is not None and run.failures else code
    finally:
        if run is not None:
            await run.aclose()
        store.close()


def _open_turn(
    chat: ChatSession,
    settings: Settings,
    text: str,
    provider: str | None,
    model: str | None,
    continue_id: int | None,
) -> Turn[ReplyRecorder] | str:
    """The question saved and its reply opened, or why not (the words for stderr)."""
    from gui.core.session import ReplyRecorder

    store, factory = chat.store, chat.providers
    if continue_id is not None:
        try:
            conversation = store.get_conversation(continue_id)
        except KeyError:
            return f"no conversation {continue_id}"
        provider = provider or conversation.provider or settings.last_provider
        model = model or conversation.model
    provider = _provider_name(factory, provider or settings.last_provider)
    if provider not in factory.names():
        return f"unknown provider {provider!r} (known: {_known(factory)})"
    model = model or (
        settings.last_model
        if provider == settings.last_provider
        else factory.info(provider).default_model
    )
    if chat.next_attachments and (
        problem := _files_problem(chat, settings, provider, model, continue_id)
    ):
        return problem  # before anything is saved or sent
    if continue_id is None:
        conversation = store.create_conversation(provider=provider, model=model)
    else:
        conversation = store.update_conversation(conversation.id, provider=provider, model=model)
    return chat.ask(conversation, text, ReplyRecorder)[1]


def _files_problem(
    chat: ChatSession, settings: Settings, provider: str, model: str, continue_id: int | None
) -> str | None:
    """Why the attached files cannot go to this model (an image for one that does not
    see, GigaChat's limits), as the window checks it at Send; None: they can."""
    from gui.core import attachments
    from gui.core.profiles import parse_models

    info = chat.providers.info(provider)
    marked = (
        parse_models(settings.field(info, "vision_models"))
        if any(field.name == "vision_models" for field in info.fields)
        else ()
    )
    earlier = (
        [file for kept in chat.store.path_attachments(continue_id).values() for file in kept]
        if continue_id is not None and provider.startswith("gigachat")
        else []
    )
    files = [picked.stored for picked in chat.next_attachments]
    problem = attachments.before_sending(provider, model, files, marked, earlier)
    return attachments.english(problem) if problem is not None else None


def _provider_name(factory: ProviderFactory, given: str) -> str:
    """A provider or profile by its name ("openai:work") or, failing that, its label as
    Settings shows it ("Work"; case does not matter); else `given` as it is."""
    names = factory.names()
    if given in names:
        return given
    wanted = given.strip().casefold()
    matches = [name for name in names if factory.info(name).label.casefold() == wanted]
    return matches[0] if len(matches) == 1 else given


def _known(factory: ProviderFactory) -> str:
    """Every name, a profile's label beside it: "gigachat, openai:work (Work), …"."""
    parts = []
    for name in factory.names():
        label = factory.info(name).label
        parts.append(f"{name} ({label})" if ":" in name else name)
    return ", ".join(parts)


async def _stream(
    chat: ChatSession,
    turn: Turn[ReplyRecorder],
    output: _Output,
    say: Callable[[str], None],
    keys: SecretStore,
    thought: _Output | None = None,
    tools: ToolLoop | None = None,
) -> int:
    """Run the turn into `output` (its thinking into `thought`, when asked for); the exit
    status says how it ended."""
    import asyncio

    from gui.core.errors import english
    from gui.core.store import MessageStatus

    started = False

    def on_text(piece: str) -> None:
        nonlocal started
        if thought is not None and not started and thought.wrote:
            thought.end(newline=True)  # the thinking ends on its own line
        started = True
        output.write(piece)

    def on_reasoning(piece: str) -> None:
        if thought is not None:
            thought.write(piece)

    running = asyncio.ensure_future(
        chat.run(turn, on_text=on_text, on_reasoning=on_reasoning, tools=tools)
    )
    output.on_closed = running.cancel  # nobody reads on: stop, keep what came
    final = await running
    if thought is not None and thought.wrote and not started:
        thought.end(newline=True)
    output.end(newline=bool(final.text) and not final.text.endswith("\n"))
    if output.closed:
        return PIPE_CLOSED
    this = asyncio.current_task()
    if this is not None and this.cancelling():  # Ctrl+C: asyncio.run cancelled us
        say(_INTERRUPTED)
        return INTERRUPTED
    if final.status == MessageStatus.COMPLETE and final.error is None:
        return OK
    say(english(final.error) if final.error else str(final.status))
    if final.error is not None and _locked_without_key(final.error.reason, keys):
        say("the keychain is locked: unlock it and ask again")
    return FAILED


class _Output:
    """stdout for the reply: filtered on a terminal, and quiet once its reader is gone."""

    def __init__(self, stream: TextIO, *, raw: bool) -> None:
        from gui.cli.terminal import TerminalFilter

        self.stream = stream
        self.filter: TerminalFilter | None = None
        if not raw and _isatty(stream):
            self.filter = TerminalFilter()
        self.closed = False
        self.wrote = False
        self.on_closed: Callable[[], object] = lambda: None

    def write(self, piece: str) -> None:
        if self.filter is not None:
            piece = self.filter.feed(piece)
        self.wrote = self.wrote or bool(piece)
        self._put(piece)

    def end(self, *, newline: bool) -> None:
        if self.filter is not None:
            self._put(self.filter.flush())
        self._put("\n" if newline else "")

    def _put(self, text: str) -> None:
        if self.closed:
            return
        try:
            if text:
                self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            self.closed = True
            _silence(self.stream)
            self.on_closed()


def _say(err: TextIO, message: str, *, raw: bool) -> None:
    """One line on stderr: control sequences removed on a terminal (unless --raw)."""
    from gui.cli.terminal import one_line

    line = " ".join(message.split()) if raw or not _isatty(err) else one_line(message)
    with contextlib.suppress(BrokenPipeError, ValueError):  # stderr gone: nobody to tell
        print(f"besedka ask: {line}", file=err, flush=True)


def history_error(error: Exception, paths: AppPaths) -> str:
    """Why the history would not open, in one line of plain words (it names the file)."""
    from gui.core.store import StoreError

    if isinstance(error, StoreError):  # already in plain words, naming the file
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"Cannot open the history {paths.history_db}: {error.strerror}."
    return f"Cannot open the history {paths.history_db} ({type(error).__name__})."


def _locked_without_key(reason: str, secrets: SecretStore) -> bool:
    """A "no key" failure whose key may be in a keychain that is locked."""
    return reason in ("no_key", "no_key_env") and secrets.problem == "locked"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _silence(stream: TextIO) -> None:
    """Point a closed pipe's fd at /dev/null: the interpreter's last flush at exit would
    otherwise print "Exception ignored … BrokenPipeError"."""
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _tolerant(*streams: TextIO) -> None:
    """Text the locale cannot encode (or stdin bytes that are not UTF-8) becomes "?"/U+FFFD
    instead of a UnicodeError traceback."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _readable(text: str) -> str:
    """Undecodable bytes of an argument (kept by Python as lone surrogates, which neither
    the history nor JSON can take) become U+FFFD."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no decoding produced: keep its code point
        data = text.encode("utf-8", "surrogatepass")
    return data.decode("utf-8", "replace")
