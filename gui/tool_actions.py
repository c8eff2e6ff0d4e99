"""A reply's run for the window, with the tools its chat offers (issue #20).

The controller starts each reply here: the chat's chosen servers' tools are offered (the
servers start on the first reply that needs them), each call waits on its approval card
until the person answers it (Allow once, Always allow this tool in this chat, Deny), and
Stop cancels the reply's task wherever it is, a card waiting included. The tool box
is the app's (`set_box`); it stops at exit (`aclose`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from gui.core.store import ChatTools, StoreError, ToolStep
from gui.core.tool_loop import Approval, ToolLoop, ToolRequest
from gui.widgets.tool_cards import ToolCard, start_words

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.core.keychain import SecretStore
    from gui.core.session import Turn
    from gui.core.tools.saved import SavedServers
    from gui.core.tools.toolbox import ToolBox
    from gui.live_reply import LiveReply
    from providers.base import Retrying

__all__ = ["ToolActions"]

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class ToolActions(QObject):
    """The tools of the window's replies: offers, approval cards, the per-chat choice."""

    #: message id, a gui.widgets.tool_cards.ToolCard (new, or its state changed)
    card = Signal(int, object)

    def __init__(self, controller: ChatController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.store = controller.store
        self.box: ToolBox | None = None
        #: call id → the reply, its card and the answer it waits for
        self._waiting: dict[str, tuple[LiveReply, ToolCard, asyncio.Future[Approval]]] = {}
        self._saved: SavedServers | None = None
        self._held: tuple[str, ...] = ()
        self._stamp = -1

    # -- the box and the per-chat choice ---------------------------------------------
    def load_saved(self, config_dir: Path, keys: SecretStore, held: Iterable[str] = ()) -> None:
        """The servers Settings → Tools keeps (servers start when a reply needs them);
        read again when its file changes. Besedka's key variables never reach them."""
        from gui.core.paths import AppPaths
        from gui.core.tools.saved import SavedServers

        paths = AppPaths(config_dir, config_dir, config_dir, config_dir)  # config_dir is used
        self._saved, self._held = SavedServers(paths, keys), tuple(held)
        self._fresh()

    def _fresh(self) -> None:
        """A new box when the saved servers changed since the last look (Settings)."""
        if self._saved is None:
            return
        try:
            stamp = self._saved.path.stat().st_mtime_ns
        except OSError:
            stamp = 0
        if stamp == self._stamp and self.box is not None:
            return
        self._stamp = stamp
        try:
            self.set_box(self._saved.toolbox(self._held))
        except ValueError as error:  # a damaged file: no tools until it is fixed
            log.warning("the tool servers cannot be read: %s", error)
            self.set_box(None)

    def set_box(self, box: ToolBox | None) -> None:
        """The servers as saved (again, after Settings): the old box's servers stop."""
        old, self.box = self.box, box
        if old is not None:
            self.controller._spawn(old.aclose(), name="tools-close")

    def servers(self) -> list[tuple[str, bool]]:
        """The configured servers: name, enabled in Settings."""
        self._fresh()
        if self.box is None:
            return []
        return [(name, config.enabled) for name, config in self.box.configs.items()]

    def chosen(self, conversation_id: int) -> tuple[str, ...]:
        try:
            return self.store.chat_tools(conversation_id).servers
        except (KeyError, StoreError):
            return ()

    def choose(self, conversation_id: int, servers: list[str]) -> None:
        """The servers whose tools this chat offers from its next reply on."""
        try:
            held = self.store.chat_tools(conversation_id)
            self.store.set_chat_tools(conversation_id, ChatTools(tuple(servers), held.always))
        except (KeyError, StoreError) as error:
            self.controller.status.emit(
                translate("ChatController", "The tool choice was not saved: {0}").format(error)
            )

    async def aclose(self) -> None:
        if self.box is not None:
            await self.box.aclose()

    # -- a reply's run ---------------------------------------------------------------
    async def run_reply(self, turn: Turn[LiveReply]) -> None:
        """Stream the reply (with the chat's tools, if any) and end it in the view."""
        controller, reply = self.controller, turn.recorder

        def on_text(text: str) -> None:
            reply.pending.append(text)
            if not reply.started_shown:
                controller._show_started(reply)

        def on_reasoning(text: str) -> None:
            reply.pending_reasoning.append(text)
            if not reply.started_shown:
                controller._show_started(reply)

        def on_retry(retrying: Retrying) -> None:
            reply.retry_until = time.monotonic() + retrying.delay
            controller._show_started(reply)
            if reply.conversation_id == controller.current_id:
                controller.reply_retrying.emit(retrying.delay)

        loop = await self._loop(reply)
        try:
            final = await controller.session.run(
                turn, on_text=on_text, on_reasoning=on_reasoning, on_retry=on_retry, tools=loop
            )
        finally:
            if loop is not None:
                self._keep_always(reply.conversation_id, loop)
        controller._finish(reply, final)

    async def _loop(self, reply: LiveReply) -> ToolLoop | None:
        """The loop offering the chat's chosen servers' tools; None when it offers none."""
        self._fresh()
        known = self.box.configs if self.box is not None else {}
        try:
            held = self.store.chat_tools(reply.conversation_id)
        except (KeyError, StoreError):
            return None
        servers = [name for name in held.servers if name in known and known[name].enabled]
        if self.box is None or not servers:
            return None
        offer = await self.box.offer(servers)
        for name, reason in offer.failed.items():
            self.controller.status.emit(start_words(name, reason))
        if not offer.specs:
            return None

        async def approve(request: ToolRequest) -> Approval:
            return await self._approve(reply, request)

        return ToolLoop(
            offer,
            approve,
            always=set(held.always),
            on_call=lambda request: self._running(reply, request),
            on_result=lambda step: self._ended(reply, step),
        )

    def _running(self, reply: LiveReply, request: ToolRequest) -> None:
        self._note(reply, translate("ChatController", "Running {0} on {1}…"), request)
        self._show(reply, self._card(reply, request, "running"))

    def _ended(self, reply: LiveReply, step: ToolStep) -> None:
        reply.tool_note = ""
        self._show(reply, self._done(reply, step))

    def _note(self, reply: LiveReply, words: str, request: ToolRequest) -> None:
        """The status line says what the reply waits for, not a falling speed."""
        reply.tool_note = words.format(request.tool, request.server)
        if reply.conversation_id == self.controller.current_id:
            self.controller.status.emit(reply.tool_note)

    def _keep_always(self, conversation_id: int, loop: ToolLoop) -> None:
        try:
            held = self.store.chat_tools(conversation_id)
            if set(held.always) != loop.always:
                self.store.set_chat_tools(
                    conversation_id, ChatTools(held.servers, frozenset(loop.always))
                )
        except (KeyError, StoreError) as error:
            log.info("could not keep the tools always allowed: %s", error)

    # -- cards -----------------------------------------------------------------------
    def _card(self, reply: LiveReply, request: ToolRequest, state: str) -> ToolCard:
        call = request.call
        return ToolCard(
            call.id, request.tool, request.server, call.arguments, len(reply.text), state
        )

    def _done(self, reply: LiveReply, step: ToolStep) -> ToolCard:
        return ToolCard.of_step(step)._replace(at=len(reply.text))

    def _show(self, reply: LiveReply, card: ToolCard) -> None:
        """A card to the view, after the text streamed before it (the view shows the text
        first, so the card goes where the model asked)."""
        controller = self.controller
        controller._show_started(reply)
        if reply.conversation_id != controller.current_id:
            return
        if reply.pending_reasoning:
            controller.reply_reasoning.emit(reply.message.id, reply.take_reasoning())
        while reply.pending:
            controller.reply_delta.emit(reply.message.id, reply.take_piece())
        self.card.emit(reply.message.id, card)

    async def _approve(self, reply: LiveReply, request: ToolRequest) -> Approval:
        """Show the card and wait for the person's answer (Stop cancels the wait)."""
        card = self._card(reply, request, "waiting")
        answer: asyncio.Future[Approval] = asyncio.get_running_loop().create_future()
        self._waiting[card.id] = (reply, card, answer)
        try:
            self._show(reply, card)
            self._note(
                reply, translate("ChatController", "Allow {0} ({1})? Answer on its card."), request
            )
            return await answer
        finally:
            reply.tool_note = ""
            self._waiting.pop(card.id, None)

    def answer(self, message_id: int, call_id: str, answer: str) -> None:
        """A card's link was followed: "once", "always" or "deny"."""
        waiting = self._waiting.get(call_id)
        if waiting is None or waiting[0].message.id != message_id or waiting[2].done():
            return
        waiting[2].set_result(Approval(answer))

    def reshow(self, conversation_id: int) -> None:
        """The chat was opened again: its waiting cards (the stored steps come with it)."""
        for reply, card, answer in list(self._waiting.values()):
            if reply.conversation_id == conversation_id and not answer.done():
                self._show(reply, card)
