"""With the Russian interface, every fault of the matrix is told in Russian.

The same cells as tests/faults/test_matrix.py (the same emulators, faults and window),
with the interface switched to Russian first. The person must read the failure in
their language: once the server's own words (shown «quoted», as sent) are set aside, no
run of three English words is left. A cell that fails here names the text the catalog
(resources/translations/besedka_ru.ts) still lacks.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest

from gui.core.store import MessageStatus
from gui.widgets.error_text import error_text
from gui.widgets.i18n import Translations
from tests.faults.conftest import matrix_cells, open_desk
from tests.faults.test_matrix import CLASSES, QUESTION, RIGS
from tests.i18n.conftest import catalogs, translations  # noqa: F401 - shared fixtures

#: Three Latin words in a row (spaces or light punctuation between): an English phrase.
#: Names (GigaChat), hosts (127.0.0.1:8080) and a type name (OSError) stay single words.
ENGLISH_RUN = r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:()]+[A-Za-z][A-Za-z'’-]*){2,}"


def english_left(text: str) -> list[str]:
    """English phrases in `text` outside the server's «quoted» words."""
    return re.findall(ENGLISH_RUN, re.sub(r"«[^»]*»", "«»", text))


def test_the_check_finds_english_and_spares_quotes_and_names() -> None:
    assert english_left("GigaChat: the connection closed mid-answer.") == [
        "GigaChat: the connection closed mid-answer"
    ]
    assert english_left("GigaChat: соединение оборвалось. «Too Many Requests» Повторите.") == []
    assert english_left("GPTalk: не удалось подключиться к 127.0.0.1:4242 (OSError).") == []


@pytest.mark.parametrize(
    ("provider", "fault"), matrix_cells(), ids=[f"{p}-{f}" for p, f in matrix_cells()]
)
async def test_a_fault_is_told_in_russian(
    provider: str,
    fault: str,
    qtbot: Any,
    tmp_path: Path,
    server_ssl: Any,
    test_ca_file: Path,
    closed_port: int,
    translations: Translations,  # noqa: F811 - the fixture imported above
) -> None:
    async with contextlib.AsyncExitStack() as stack:
        rig = RIGS[provider](closed_port, test_ca_file)
        await rig.start(stack, server_ssl)
        desk = rig.desk = await stack.enter_async_context(
            open_desk(
                qtbot,
                tmp_path,
                classes=CLASSES,
                provider=provider,
                model=rig.model,
                configs={provider: dict(rig.base)},
            )
        )
        translations.apply("ru")
        expect = await rig.inject(fault)
        conversation = desk.ask(QUESTION)
        if expect.during is not None:
            await expect.during()
        failed = await desk.finished(conversation)

        assert failed.status == MessageStatus.FAILED, failed
        assert failed.error is not None, failed
        assert failed.error.kind == expect.error.kind, failed.error
        shown = error_text(failed.error)
        assert shown in desk.view_text()  # the view says the same, inline
        assert re.search("[а-яё]", shown, re.IGNORECASE), shown
        assert english_left(shown) == [], shown
