"""`besedka import PATH...` and `besedka export --all PATH`: the whole library on the
command line.

Import finds each file's format from its content (Besedka's chat JSON or library,
ChatGPT's `conversations.json` or export .zip, Chatbox's export) and prints one line per
file: what it added, what was already there, what it left out. A file that fails adds
nothing. Export writes every chat, whole trees, as one Besedka library file, in one
step. Exit statuses as `besedka ask`'s (see IMPORT_EPILOG).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gui.cli.parser import FAILED, INTERRUPTED, NO_HISTORY, OK, USAGE

if TYPE_CHECKING:
    from gui.core.imports import Report
    from gui.core.paths import AppPaths
    from gui.core.store import Store

IMPORT_EPILOG = f"""\
The format of each file is found from its content: a Besedka chat or library (from
`besedka export --all`), ChatGPT's conversations.json or its data-export .zip, or
Chatbox's exported data. A chat imported before is not added again. One line per file
says what was added and what was left out (system and tool messages, images…).

exit status:
  {OK}    every file was imported (or held nothing new)
  {FAILED}    a file could not be imported (it added nothing; the others did)
  {USAGE}    bad arguments
  {NO_HISTORY}    the history (or the profile folder) cannot be opened
  {INTERRUPTED}  interrupted (Ctrl+C); the file being read added nothing
"""

EXPORT_EPILOG = f"""\
The file is Besedka's library format: every chat with all its versions, readable by
`besedka import` (here or in another profile) without duplicates.

exit status:
  {OK}    written
  {FAILED}    the file could not be written (one that was there is unchanged)
  {USAGE}    bad arguments
  {NO_HISTORY}    the history (or the profile folder) cannot be opened
"""

#: how a line names what was left out
_SKIPPED = {
    "system": "system message(s)",
    "tool": "tool message(s)",
    "hidden": "hidden message(s)",
    "non_text": "non-text message(s)",
    "empty": "empty message(s)",
    "broken": "unreadable message(s)",
    "non_text_parts": "image(s) or other non-text part(s)",
    "empty_conversations": "empty chat(s)",
    "broken_conversations": "unreadable chat(s)",
}
_FORMATS = {
    "besedka": "Besedka chat",
    "besedka-library": "Besedka library",
    "chatgpt": "ChatGPT export",
    "chatbox": "Chatbox export",
}


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `import` and `export` subcommands (called by `gui.cli.parser`)."""
    importing = commands.add_parser(
        "import",
        help="import chats: Besedka, ChatGPT (conversations.json or .zip) or Chatbox exports",
        description="Add the chats of exported files to the history.",
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exporting = commands.add_parser(
        "export",
        help="export every chat to one file",
        description="Write every chat, with all its versions, to one file.",
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backing = commands.add_parser(
        "backup",
        help="write a full backup: every chat, the assistants and the settings (no keys)",
        description="Write every chat (all versions), the assistants and the settings to"
        " one .zip file; `besedka import FILE` restores it. Keys are never in it.",
    )
    backing.add_argument("path", type=Path, metavar="PATH", help="the .zip file to write")
    for command in (importing, exporting, backing):
        command.add_argument(
            "--basedir",
            type=Path,
            default=argparse.SUPPRESS,  # keep a --basedir given before the command
            help="keep config, history, cache and logs under this folder",
        )
    importing.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files to import")
    exporting.add_argument(
        "--all", dest="everything", action="store_true", required=True, help="every chat"
    )
    exporting.add_argument("path", type=Path, metavar="PATH", help="the file to write")


def run_library(
    args: argparse.Namespace,
    paths: AppPaths,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from gui.cli.ask import history_error
    from gui.core.store import Store

    out = out or sys.stdout
    err = err or sys.stderr
    command = str(args.command)
    try:
        store = Store.open(paths.history_db)
    except Exception as error:  # whatever it is, one line in plain words: no traceback
        _say(err, command, history_error(error, paths))
        return NO_HISTORY
    try:
        if command == "export":
            return _export(store, args.path, out, err)
        if command == "backup":
            return _backup(store, paths.config_dir, args.path, out, err)
        return _import(store, list(args.paths), out, err, paths.config_dir)
    except KeyboardInterrupt:
        _say(err, command, "interrupted")
        return INTERRUPTED
    finally:
        store.close()


def _import(store: Store, files: list[Path], out: TextIO, err: TextIO, config_dir: Path) -> int:
    from gui.core.backup import manifest_of, restore_extras
    from gui.core.imports import import_path
    from gui.core.store import StoreError

    status = OK
    for path in files:
        try:
            report = import_path(store, path)
        except (OSError, UnicodeDecodeError, StoreError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            _say(err, "import", f"{path}: {reason}")
            status = FAILED
            continue
        _line(out, describe(report))
        if manifest_of(path) is not None:  # a full backup: its assistants and settings too
            taken = restore_extras(path, config_dir, store)  # and its folders (#22)
            _line(
                out,
                f"{path}: {taken['assistants']} assistant(s), settings "
                + ("restored" if taken["settings"] else "kept (this profile has its own)"),
            )
    return status


def _backup(store: Store, config_dir: Path, path: Path, out: TextIO, err: TextIO) -> int:
    from gui.core.backup import write_backup
    from gui.core.store import StoreError

    try:
        report = write_backup(store, config_dir, path)
    except (OSError, StoreError) as error:
        _say(err, "backup", f"{path}: {getattr(error, 'strerror', None) or error}")
        return FAILED
    _line(
        out,
        f"{path}: {report.conversations} chat(s), {report.messages} message(s),"
        " the assistants and the settings (no keys)",
    )
    return OK


def _export(store: Store, path: Path, out: TextIO, err: TextIO) -> int:
    from gui.core.imports import export_library
    from gui.core.store import StoreError

    try:
        report = export_library(store, path)
    except (OSError, StoreError) as error:
        _say(err, "export", f"{path}: {getattr(error, 'strerror', None) or error}")
        return FAILED
    _line(out, f"{path}: {report.conversations} chat(s), {report.messages} message(s)")
    return OK


def describe(report: Report) -> str:
    """One line for a person: the file, its format, what was added and left out."""
    kind = _FORMATS.get(report.format, report.format)
    parts = [
        f"{report.path}: {kind}, {report.conversations} chat(s) and {report.messages}"
        " message(s) added"
    ]
    if report.duplicates:
        parts.append(f"{report.duplicates} chat(s) already in the history")
    left = [
        f"{report.skipped[reason]} {words}"
        for reason, words in _SKIPPED.items()
        if report.skipped.get(reason)
    ]
    if left:
        parts.append("skipped " + ", ".join(left))
    return "; ".join(parts)


def _line(out: TextIO, text: str) -> None:
    with contextlib.suppress(BrokenPipeError, ValueError):
        print(_safe(out, text), file=out, flush=True)


def _say(err: TextIO, command: str, message: str) -> None:
    """One line on stderr (control sequences removed on a terminal)."""
    with contextlib.suppress(BrokenPipeError, ValueError):
        print(f"besedka {command}: {_safe(err, message)}", file=err, flush=True)


def _safe(stream: TextIO, text: str) -> str:
    from gui.cli.terminal import one_line

    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return one_line(text) if tty else " ".join(text.split())
