"""The translation sources: complete, finished, in step with the code, well-formed."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.i18n.conftest import ROOT, TS_DIR, tool

GUI = ROOT / "gui"


@dataclass(frozen=True)
class Entry:
    context: str
    source: str
    forms: tuple[str, ...]  # one text, or the numerus forms
    finished: bool
    numerus: bool


def read_ts(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            numerus = message.get("numerus") == "yes"
            forms = (
                tuple(form.text or "" for form in translation.iter("numerusform"))
                if numerus
                else (translation.text or "",)
            )
            entries.append(
                Entry(
                    name,
                    message.findtext("source") or "",
                    forms,
                    translation.get("type") is None,
                    numerus,
                )
            )
    return entries


def keys(entries: list[Entry]) -> set[tuple[str, str]]:
    return {(entry.context, entry.source) for entry in entries}


RU = TS_DIR / "besedka_ru.ts"
EN = TS_DIR / "besedka_en.ts"


def test_both_sources_are_in_the_repository() -> None:
    assert RU.is_file() and EN.is_file()
    assert ET.parse(RU).getroot().get("language") == "ru_RU"
    assert ET.parse(EN).getroot().get("language") == "en_US"


def test_every_russian_message_has_a_finished_translation() -> None:
    entries = read_ts(RU)
    assert len(entries) > 150
    unfinished = [entry.source for entry in entries if not entry.finished]
    empty = [entry.source for entry in entries if not all(form.strip() for form in entry.forms)]
    assert unfinished == []
    assert empty == []


def test_russian_plurals_have_three_forms_and_english_two() -> None:
    russian = [entry for entry in read_ts(RU) if entry.numerus]
    english = read_ts(EN)
    assert russian, "the catalog has plural messages"
    assert keys(russian) == keys(english)
    for entry in russian:
        assert len(entry.forms) == 3 and all("%n" in form for form in entry.forms)
    for entry in english:
        assert entry.finished and entry.numerus
        assert len(entry.forms) == 2 and all("%n" in form for form in entry.forms)


def test_russian_text_is_russian() -> None:
    """A translation left in English (copied source) is caught; a few are the same by nature."""
    same_by_nature = {
        "{0}:",
        "{0}: {1}",
        "Markdown (*.md);;JSON (*.json);;HTML (*.html)",
        "HTTP {status}",
        "URL",
        "&URL:",
    }
    for entry in read_ts(RU):
        if entry.source in same_by_nature:
            continue
        assert any(re.search("[а-яё]", form, re.IGNORECASE) for form in entry.forms), entry


def test_placeholders_and_mnemonics_survive_translation() -> None:
    for entry in read_ts(RU):
        wanted = sorted(re.findall(r"\{[^}]*\}", entry.source))
        for form in entry.forms:
            assert sorted(re.findall(r"\{[^}]*\}", form)) == wanted, entry
            mnemonic = re.search(r"&[^&\s]", entry.source) is not None
            assert (re.search(r"&[^&\s]", form) is not None) == mnemonic, entry
            assert form.startswith(" ") == entry.source.startswith(" "), entry
            assert form.endswith(" ") == entry.source.endswith(" "), entry


def test_the_sources_hold_exactly_the_texts_in_the_code(tmp_path: Path) -> None:
    """lupdate on gui/ adds nothing (no untranslated text) and drops nothing (no stale one)."""
    committed = read_ts(RU)
    copy = tmp_path / "besedka_ru.ts"
    shutil.copyfile(RU, copy)
    result = subprocess.run(
        [
            tool("lupdate"),
            "-extensions",
            "py",
            "-no-obsolete",
            "-locations",
            "none",
            str(GUI),
            "-ts",
            str(copy),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    updated = read_ts(copy)
    new = sorted(keys(updated) - keys(committed))
    gone = sorted(keys(committed) - keys(updated))
    assert new == [], "texts missing from the .ts: run scripts/update_translations, translate"
    assert gone == [], "texts no longer in the code: run scripts/update_translations"
    assert all(entry.finished for entry in updated)


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Finder(ast.NodeVisitor):
    """Translatable literals the way Qt looks them up at run time: (context, text)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.found: list[tuple[str, str, int]] = []
        self.foreign_tr: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        args = [_literal(arg) for arg in node.args[:2]]
        if name == "tr" and args and args[0] is not None:
            owner = func.value if isinstance(func, ast.Attribute) else None
            if not (isinstance(owner, ast.Name) and owner.id == "self"):
                # Qt takes the context from the object, lupdate from the class around it.
                self.foreign_tr.append(f"{self.path.name}:{node.lineno}")
            self.found.append((self.classes[-1] if self.classes else "", args[0], node.lineno))
        elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) == 2 and None not in args:
            context, text = args
            assert context is not None and text is not None
            self.found.append((context, text, node.lineno))
        self.generic_visit(node)


def test_every_translatable_literal_is_in_the_catalog_even_inside_f_strings() -> None:
    """lupdate skips calls inside f-strings; this walk does not, so none can hide there."""
    catalog = keys(read_ts(RU))
    missing: list[str] = []
    foreign: list[str] = []
    for path in sorted(GUI.rglob("*.py")):
        finder = _Finder(path)
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        foreign += finder.foreign_tr
        missing += [
            f"{path.name}:{line} [{context}] {text!r}"
            for context, text, line in finder.found
            if (context, text) not in catalog
        ]
    assert missing == []
    assert foreign == [], "call tr on self, or QCoreApplication.translate with a context"


@pytest.mark.parametrize("name", ["besedka_ru.ts", "besedka_en.ts"])
def test_lrelease_compiles_every_message(name: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [tool("lrelease"), str(TS_DIR / name), "-qm", str(tmp_path / "out.qm")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "0 unfinished" in result.stdout
    assert "Ignored" not in result.stdout
