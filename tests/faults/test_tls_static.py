"""No code anywhere in the tree turns TLS verification off — tests, benchmarks and scripts
included, and in more spellings than the app-code check in tests/providers/test_boundaries.py.

That check covers `providers/` and `gui/` and the common spellings (`ssl=False`,
`CERT_NONE`, `verify_mode =`, `check_hostname = False`, unverified contexts). A test or a
benchmark that switches verification off teaches the next person that it is fine, and code
gets copied from tests; so this one reads every Python file in the repository and adds the
spellings that slip past a keyword search (`**{"ssl": False}`, `setattr(ctx, "verify_mode",
...)`, `verify=False`, `CERT_OPTIONAL`, falsy stand-ins for False).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.providers.test_boundaries import TLS_OFF, tls_offences

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {"venv", "build", "dist", "node_modules", "__pycache__"}
#: Files that must spell the offences to test the scanners themselves.
SCANNERS = {Path("tests/providers/test_boundaries.py"), Path(__file__).resolve().relative_to(ROOT)}

# Spelled as regexes so that a plain grep for the forbidden words finds nothing here.
MORE_TLS_OFF = {
    "ssl=0": re.compile(r"\bssl\s*=\s*0\b"),
    '"ssl": False': re.compile(r"""["'](?:ssl|verify_ssl)["']\s*:\s*(?:False|0)\b"""),
    "verify=False": re.compile(r"\bverify\s*=\s*(?:False|0)\b"),
    "CERT_OPTIONAL": re.compile(r"\bCERT_(?:OPTIONAL)\b"),
    "setattr verify_mode": re.compile(r"""setattr\([^)]*["'](?:verify_mode|check_hostname)["']"""),
    "check_hostname = 0": re.compile(r"\bcheck_hostname\s*=\s*0\b"),
    "PYTHONHTTPSVERIFY": re.compile(r"PYTHONHTTPS(?:VERIFY)"),
}


def offences(text: str) -> list[str]:
    found = tls_offences(text)
    found += [label for label, pattern in MORE_TLS_OFF.items() if pattern.search(text)]
    return found


def python_files() -> list[Path]:
    """Our own source: hidden folders (`.git`, `.venv*`) and installed packages pruned."""
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and name not in SKIP_DIRS
            and not name.endswith(".egg-info")
            and name != "site-packages"
        )
        for name in sorted(names):
            path = Path(folder) / name
            if path.suffix in (".py", ".pyw", ".spec") and path.relative_to(ROOT) not in SCANNERS:
                files.append(path)
    return files


@pytest.mark.parametrize(
    "sample",
    [
        "session.get(url, ssl" + "=False)",
        "session.get(url, ssl" + "=0)",
        "session.post(url, **{'ssl" + "': False})",
        'connector_args = {"verify_ssl' + '": False}',
        "httpx.get(url, verify" + "=False)",
        "context.verify_mode = ssl.CERT_" + "OPTIONAL",
        "setattr(context, 'verify" + "_mode', mode)",
        'setattr(context, "check' + '_hostname", False)',
        "context.check_hostname" + " = 0",
        "os.environ['PYTHONHTTPS" + "VERIFY'] = '0'",
        "ctx.verify_mode" + " = ssl.CERT_REQUIRED if strict else mode",  # any assignment
    ],
)
def test_scanner_catches_more_spellings(sample: str) -> None:
    assert offences(sample), sample


@pytest.mark.parametrize(
    "sample",
    [
        "session.get(url, ssl=self.ssl_context())",
        "ssl=context if https else None",  # a context or the default: both verify
        "verify_ssl_certificates(path)",
        'data = {"ssl": True}',
        "assert context.verify_mode == ssl.CERT_REQUIRED",
    ],
)
def test_scanner_allows_safe_code(sample: str) -> None:
    assert offences(sample) == [], sample


def test_core_scanner_still_covers_verify_mode_and_ssl_false() -> None:
    """The app-code check this one extends must keep its own two central rules."""
    assert "verify_mode assignment" in TLS_OFF and "ssl=False" in TLS_OFF
    assert tls_offences("ctx.verify_mode" + " = whatever")
    assert tls_offences("get(url, ssl" + "=False)")


def test_no_file_in_the_tree_disables_tls_verification() -> None:
    files = python_files()
    names = {path.relative_to(ROOT).parts[0] for path in files}
    assert {"providers", "gui", "tests"} <= names  # the walk found the tree
    found = {
        f"{path.relative_to(ROOT)}:{number}": offences(line)
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if offences(line)
    }
    assert found == {}
