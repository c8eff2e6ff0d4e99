"""`besedka ask`: one question on the command line, the reply streamed to stdout.

The turn is the window's (`gui.core.session.ChatSession`): both messages land in the
same history the window shows. Failures print the error in plain English on stderr and
exit non-zero; the partial reply is kept in the history.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from gui.core.paths import AppPaths

#: exit statuses
OK, FAILED, USAGE = 0, 1, 2


def run_ask(args: argparse.Namespace, paths: AppPaths) -> int:
    text = " ".join(args.text).strip() if args.text else sys.stdin.read().strip()
    if not text:
        print("besedka ask: nothing to ask (give TEXT or pipe it on stdin)", file=sys.stderr)
        return USAGE
    return asyncio.run(
        ask(
            text,
            paths,
            provider=args.provider,
            model=args.model,
            continue_id=args.continue_id,
        )
    )


async def ask(
    text: str,
    paths: AppPaths,
    *,
    provider: str | None = None,
    model: str | None = None,
    continue_id: int | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from gui.core.errors import english
    from gui.core.keychain import SecretStore
    from gui.core.provider_factory import ProviderFactory, client_session
    from gui.core.session import ChatSession, ReplyRecorder
    from gui.core.settings import Settings
    from gui.core.store import MessageStatus, Store

    out = out or sys.stdout
    err = err or sys.stderr
    settings = Settings(paths.settings_file)
    secrets = SecretStore()
    store = Store.open(paths.history_db)
    try:
        async with client_session() as session:
            factory = ProviderFactory(
                session,
                lambda info: settings.aprovider_config(info, secrets),
                timeouts=settings.timeouts,
            )
            if continue_id is not None:
                try:
                    conversation = store.get_conversation(continue_id)
                except KeyError:
                    print(f"besedka ask: no conversation {continue_id}", file=err)
                    return USAGE
                provider = provider or conversation.provider or settings.last_provider
                model = model or conversation.model
            provider = provider or settings.last_provider
            if provider not in factory.names():
                names = ", ".join(factory.names())
                print(f"besedka ask: unknown provider {provider!r} (known: {names})", file=err)
                return USAGE
            model = model or (
                settings.last_model
                if provider == settings.last_provider
                else factory.info(provider).default_model
            )
            if continue_id is None:
                conversation = store.create_conversation(provider=provider, model=model)
            else:
                conversation = store.update_conversation(
                    conversation.id, provider=provider, model=model
                )

            def write(piece: str) -> None:
                out.write(piece)
                out.flush()

            chat = ChatSession(store, factory)
            _question, turn = chat.ask(conversation, text, ReplyRecorder)
            final = await chat.run(turn, on_text=write)
            if final.text and not final.text.endswith("\n"):
                out.write("\n")
            out.flush()
            if final.status != MessageStatus.COMPLETE:
                print(
                    f"besedka ask: {english(final.error) if final.error else final.status}",
                    file=err,
                )
                return FAILED
            return OK
    finally:
        store.close()
