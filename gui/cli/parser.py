"""`besedka`'s command line: the window's options and the `ask` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: `besedka ask` exit statuses (its --help lists them).
OK, FAILED, USAGE, NO_HISTORY = 0, 1, 2, 3
INTERRUPTED = 130  # Ctrl+C, as a shell reports SIGINT
PIPE_CLOSED = 141  # stdout closed early (`| head`), as a shell reports SIGPIPE

ASK_EPILOG = f"""\
The reply streams to stdout; on a terminal, control sequences in it (and in error
text) are removed, so a model cannot set the clipboard, retitle or clear the window.
--raw writes them as they came. Errors are one line each on stderr.

exit status:
  {OK}    the reply is complete
  {FAILED}    the reply failed (the error is on stderr; the text so far is kept)
  {USAGE}    bad arguments: nothing to ask, an unknown provider or conversation
  {NO_HISTORY}    the history (or the profile folder) cannot be opened
  4    the reply is complete, but a tool call failed (its server crashed or timed
       out); the model was told, the error is on stderr
  {INTERRUPTED}  interrupted (Ctrl+C); the reply so far is kept as stopped
  {PIPE_CLOSED}  stdout was closed before the reply ended (e.g. `| head`); the reply
       so far is kept as stopped
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="besedka",
        description="Besedka: a native desktop chat client for large language models.",
    )
    parser.add_argument(
        "--basedir",
        type=Path,
        help="keep config, history, cache and logs under this folder (portable use)",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--quit-when-ready",
        action="store_true",
        help=argparse.SUPPRESS,  # smoke tests: show the window, print a marker, exit 0
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        help=argparse.SUPPRESS,  # scripts/screenshot: save the ready window as PNG, exit
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser(
        "ask",
        help="ask one question on the command line; the reply streams to stdout",
        description="Stream a reply to stdout and keep both messages in the history.",
        epilog=ASK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ask.add_argument(
        "--basedir",
        type=Path,
        default=argparse.SUPPRESS,  # keep a --basedir given before `ask`
        help="as above; may also follow `ask`",
    )
    ask.add_argument(
        "--provider",
        help=(
            "provider or OpenAI-compatible profile, by name (openai:work) or as Settings"
            " names it (default: the last one used)"
        ),
    )
    ask.add_argument("--model", help="model name (default: the provider's default)")
    ask.add_argument(
        "--continue",
        dest="continue_id",
        type=int,
        metavar="ID",
        help="continue the conversation with this id",
    )
    ask.add_argument(
        "--raw",
        action="store_true",
        help="write the reply exactly as it came, terminal control sequences included",
    )
    ask.add_argument(
        "--thinking",
        action="store_true",
        help="write the model's thinking (reasoning) to stderr as it comes; stdout only"
        " ever carries the answer",
    )
    ask.add_argument(
        "--tools",
        nargs="+",
        action="extend",
        metavar="SERVER",
        help="offer the tools of these MCP servers (saved in Settings → Tools, or in"
        " --mcp-config); put the question first, or end the list with --",
    )
    ask.add_argument(
        "--mcp-config",
        type=Path,
        metavar="FILE",
        help='add the servers of an {"mcpServers": …} JSON file, for this run only',
    )
    ask.add_argument(
        "--yes",
        action="store_true",
        help="run every tool call the model asks for; without it each call is asked on"
        " the terminal (/dev/tty, since stdin may be the question), and with no terminal"
        " the run is refused. Every call is printed to stderr",
    )
    ask.add_argument(
        "--attach",
        action="append",
        type=Path,
        metavar="PATH",
        help="send this file with the question (an image, text, code, CSV or PDF);"
        " repeat it for several",
    )
    ask.add_argument("text", nargs="*", help="the question; read from stdin when absent")
    from gui.cli.library import add_commands  # `import` and `export`, after `ask`

    add_commands(commands)
    return parser


class _VersionAction(argparse.Action):
    """`--version`, reading package metadata only when asked (it costs start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and exit")
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("besedka")
    except PackageNotFoundError:
        return "dev"
