"""Logging for both entry points, the window and `besedka ask`: a file in the profile,
and when that file cannot be opened or written (a read-only profile, a full disk) one
line on stderr saying so instead of logging's own traceback on every record.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

__all__ = ["QUIET", "setup_logging", "stderr_line"]


#: `setup_logging(fallback_level=QUIET)`: when the log file fails, log nowhere else.
QUIET = logging.CRITICAL + 1


def setup_logging(log_file: Path, *, fallback_level: int = logging.WARNING) -> None:
    """Log to a file in the profile. When it cannot be opened or written (a read-only
    profile, a full disk), one line on stderr says so and records of `fallback_level` and
    above go to stderr instead, one line each: never a logging traceback."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # qasync logs executor calls with their arguments at DEBUG: never let that through.
    logging.getLogger("qasync").setLevel(logging.INFO)
    fallback = _LogFallback(log_file, fallback_level)
    try:
        handler = _file_handler(log_file, fallback)
    except OSError as error:
        fallback.engage(None, error)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def _file_handler(log_file: Path, fallback: _LogFallback) -> logging.Handler:
    import logging.handlers  # here: it costs start-up time

    class ProfileLog(logging.handlers.RotatingFileHandler):
        def handleError(self, record: logging.LogRecord) -> None:
            fallback.engage(self, sys.exc_info()[1])
            fallback.handle(record)

    return ProfileLog(log_file, maxBytes=1_000_000, backupCount=2, encoding="utf-8")


class _LogFallback:
    """Where logging goes once the log file has failed: stderr, or nowhere."""

    def __init__(self, log_file: Path, level: int) -> None:
        self.log_file = log_file
        self.level = level
        self.handler: logging.Handler | None = None
        self.engaged = False

    def engage(self, broken: logging.Handler | None, error: BaseException | None) -> None:
        if self.engaged:
            return
        self.engaged = True
        root = logging.getLogger()
        if broken is not None:
            root.removeHandler(broken)
            with contextlib.suppress(Exception):  # its stream may fail again on the way out
                broken.close()
        reason = getattr(error, "strerror", None) or type(error).__name__
        instead = "continuing without it" if self.level > logging.CRITICAL else "logging to stderr"
        stderr_line(f"besedka: cannot write the log file {self.log_file} ({reason}); {instead}")
        if self.level <= logging.CRITICAL and sys.stderr is not None:
            self.handler = logging.StreamHandler(sys.stderr)
            self.handler.setLevel(self.level)
            self.handler.setFormatter(_OneLine("besedka: %(levelname)s %(name)s: %(message)s"))
            root.addHandler(self.handler)

    def handle(self, record: logging.LogRecord) -> None:
        if self.handler is not None and record.levelno >= self.level:
            self.handler.handle(record)


class _OneLine(logging.Formatter):
    """A record on one line, without its traceback (the exception's type stands for it)."""

    def format(self, record: logging.LogRecord) -> str:
        from gui.cli.terminal import one_line

        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            text = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        if record.exc_info and record.exc_info[0] is not None:
            text += f" ({record.exc_info[0].__name__})"
        return one_line(text)


def stderr_line(text: str) -> None:
    """One line on stderr, if there is one to write to."""
    try:
        if sys.stderr is not None:
            print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # closed or gone: nobody to tell
        pass
