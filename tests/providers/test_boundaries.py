"""Architecture rules that review alone would let slip: no Qt in providers, TLS always on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUI_ROOTS = ("PySide6", "qasync", "shiboken6", "gui")

# Imports the core, then each registry entry whose module exists, one at a time, and
# reports which GUI modules each of them pulled in.
PROBE = r"""
import importlib, importlib.util, json, os, sys

GUI = {gui_roots!r}

def loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] in GUI)

report = {{"core": [], "missing": [], "providers": {{}}}}
for extra in filter(None, os.environ.get("PROBE_EXTRA", "").split(",")):
    importlib.import_module(extra)
for name in ["providers", "providers.base", "providers.errors", "providers.http",
             "providers.sse", "providers.prompt", "providers.registry"]:
    importlib.import_module(name)
report["core"] = loaded()

from providers.registry import PROVIDER_PATHS
for path in PROVIDER_PATHS.values():
    module = path.partition(":")[0]
    if importlib.util.find_spec(module) is None:
        report["missing"].append(module)
        continue
    importlib.import_module(module)
    report["providers"][module] = loaded()
print("PROBE " + json.dumps(report))
"""


def probe(extra: str = "") -> dict[str, object]:
    env = {**os.environ, "PROBE_EXTRA": extra}
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(gui_roots=GUI_ROOTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    report: dict[str, object] = json.loads(line.removeprefix("PROBE "))
    return report


def test_providers_import_no_qt_and_no_gui() -> None:
    report = probe()
    assert report["core"] == [], f"the provider core imports {report['core']}"
    providers = report["providers"]
    assert isinstance(providers, dict)
    offenders = {module: mods for module, mods in providers.items() if mods}
    assert offenders == {}, f"registry providers import Qt/gui: {offenders}"
    # Entries still being written are skipped, but at least the core was checked.
    assert isinstance(report["missing"], list)


def test_probe_notices_qt() -> None:
    """The check above must be able to fail: a module that loads Qt is reported."""
    report = probe(extra="shiboken6")
    assert "shiboken6" in str(report["core"])


# ---- TLS is never switched off ------------------------------------------------------

# Spelled as regexes so that a plain grep for the forbidden words finds nothing here.
TLS_OFF = {
    "ssl=False": re.compile(r"\bssl\s*=\s*False\b"),
    "verify_ssl=False": re.compile(r"\bverify_ssl\s*=\s*False\b"),
    "CERT_NONE": re.compile(r"\bCERT_(?:NONE)\b"),
    "check_hostname = False": re.compile(r"\bcheck_hostname\s*=\s*False\b"),
    # Any assignment but the one that can only tighten: a server asking for client
    # certificates (the GigaChat emulator's mTLS host), alone on its line.
    "verify_mode assignment": re.compile(
        r"\bverify_mode\s*=(?!=)(?!\s*ssl\.CERT_REQUIRED\s*(?:#.*)?$)"
    ),
    "unverified context": re.compile(r"_create_unverified_context"),
    "set_ciphers NULL": re.compile(r"\bset_ciphers\([^)]*NULL"),
}


def tls_offences(text: str) -> list[str]:
    return [label for label, pattern in TLS_OFF.items() if pattern.search(text)]


@pytest.mark.parametrize(
    "sample",
    [
        "session.get(url, ssl=False)",
        "aiohttp.TCPConnector(verify_ssl = False)",
        "ctx.verify_mode = ssl.CERT_" + "NONE",
        "context.check_hostname=False",
        "context.verify_mode=mode",
        "ctx.verify_mode = ssl.CERT_REQUIRED if strict else mode",
        "ctx.verify_mode = ssl.CERT_REQUIRED or ssl.CERT_" + "NONE",
        "ssl._create_unverified_context()",
    ],
)
def test_tls_scanner_catches_offences(sample: str) -> None:
    assert tls_offences(sample)


@pytest.mark.parametrize(
    "sample",
    [
        "session.get(url, ssl=context)",
        "assert context.verify_mode == ssl.CERT_REQUIRED",
        "context.check_hostname = True",
        "context.verify_mode = ssl.CERT_REQUIRED  # ask for client certificates",
    ],
)
def test_tls_scanner_allows_safe_code(sample: str) -> None:
    assert tls_offences(sample) == []


def test_tls_verification_is_never_disabled_in_app_code() -> None:
    sources = sorted((ROOT / "providers").rglob("*.py")) + sorted((ROOT / "gui").rglob("*.py"))
    assert any(path.name == "http.py" for path in sources)
    found = {
        f"{path.relative_to(ROOT)}:{number}": tls_offences(line)
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if tls_offences(line)
    }
    assert found == {}


# ---- import-linter ------------------------------------------------------------------


def test_import_linter_contracts_are_kept() -> None:
    executable = Path(sys.executable).parent / "lint-imports"
    if not executable.exists():
        pytest.fail(f"import-linter is not installed next to {sys.executable} (dev extra)")
    result = subprocess.run(
        [str(executable), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
