"""The .deb on this machine, as a user gets it: `apt-get install ./besedka_….deb`, then
`besedka` from the PATH with the venv out of reach, then removal and purge, which leave
the user's profile and keychain as they were.

This installs into /usr (root, or password-less `sudo -n`; the test skips otherwise) and
removes the package again in a finalizer, pass or fail. A besedka package that was
installed before is upgraded (or downgraded) to this one and removed with it. A lock
file keeps two test sessions on one machine from installing at the same time.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.support import READY_MARKER, REPLY, bare_env, project_version, run

PREFIX = Path("/usr/lib/besedka")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def _as_root() -> list[str]:
    """The prefix that runs a command as root, or a skip saying why there is none."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-query") is None:
        pytest.skip("apt-get and dpkg are needed: this is not a Debian-based system")
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    pytest.skip("installing a .deb needs root or password-less sudo (sudo -n); neither works")


def _status() -> str:
    """dpkg's status of the besedka package ('' when it is not there, not even its config)."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Abbrev}${Version}", "besedka"],
        capture_output=True,
        text=True,
    )
    status = result.stdout.strip() if result.returncode == 0 else ""
    return "" if status.startswith("un") else status


class Apt:
    """apt-get as root, with the test user's HOME: a maintainer script that reached for
    `~` would find the profile under test, not root's."""

    def __init__(self, root: list[str], home: Path) -> None:
        self.root = root
        self.home = home

    def __call__(self, *args: str) -> str:
        return self.as_root("apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", *args)

    def as_root(self, *command: str) -> str:
        env = [*self.root, "env", f"HOME={self.home}", "DEBIAN_FRONTEND=noninteractive"]
        result = subprocess.run([*env, *command], capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
        return result.stdout


@pytest.fixture
def apt(tmp_path: Path) -> Iterator[Apt]:
    """One installer at a time per machine; the package is purged at the end, pass or fail."""
    root = _as_root()
    lock = Path(tempfile.gettempdir()) / "besedka-deb-test.lock"
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        apt = Apt(root, tmp_path / "home")
        try:
            yield apt
        finally:
            if _status():
                subprocess.run(
                    [*root, "dpkg", "--purge", "besedka"], capture_output=True, timeout=300
                )
            fcntl.flock(handle, fcntl.LOCK_UN)


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under FOLDER with a digest of its contents."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


class KeychainProbe:
    """An entry under Besedka's own keychain service, if this session has a keychain."""

    def __init__(self) -> None:
        import keyring

        self.keyring = keyring
        self.account = f"deb-removal-probe-{uuid.uuid4().hex[:12]}"
        self.secret = uuid.uuid4().hex
        try:
            keyring.set_password("besedka", self.account, self.secret)
            self.available = keyring.get_password("besedka", self.account) == self.secret
        except Exception:  # no Secret Service here: the files are still checked
            self.available = False

    def intact(self) -> bool:
        return not self.available or (
            self.keyring.get_password("besedka", self.account) == self.secret
        )

    def remove(self) -> None:
        if self.available:
            self.keyring.delete_password("besedka", self.account)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_installed_package_runs_and_removal_keeps_the_profile(
    deb: Path, apt: Apt, gigachat: dict[str, Any], tmp_path: Path
) -> None:
    apt("install", "--no-install-recommends", "--allow-downgrades", str(deb))
    assert _status().startswith("ii ")
    assert shutil.which("besedka", path=SYSTEM_PATH) == "/usr/bin/besedka"
    env = bare_env(tmp_path, PATH=SYSTEM_PATH)  # a user's PATH: no venv on it
    home = Path(env["HOME"])
    cwd = tmp_path / "cwd"

    version = run("besedka", "--version", env=env, cwd=cwd)
    assert (version.returncode, version.stdout.strip()) == (0, f"besedka {project_version()}")

    # The user's own profile, in the default place under ~, made by the installed app.
    giga = {
        "GIGACHAT_CREDENTIALS": gigachat["key"],
        "GIGACHAT_BASE_URL": gigachat["base_url"],
        "GIGACHAT_AUTH_URL": gigachat["auth_url"],
        "GIGACHAT_CA_BUNDLE_FILE": gigachat["ca_file"],
    }
    ask = run("besedka", "ask", "--provider", "gigachat", "Как дела?", env=env | giga, cwd=cwd)
    assert ask.returncode == 0, ask.stderr
    assert ask.stdout.strip() == REPLY
    assert "Traceback" not in ask.stderr
    window = run("besedka", "--quit-when-ready", env=env, cwd=cwd)
    assert window.returncode == 0, window.stderr
    assert READY_MARKER in window.stdout
    assert (home / ".local" / "share" / "besedka" / "history.sqlite3").is_file()

    _check_desktop_integration()
    profile = _snapshot(home)
    keychain = KeychainProbe()
    try:
        apt("install", "--reinstall", str(deb))  # the upgrade path: unpack over, configure
        assert _snapshot(home) == profile and keychain.intact()

        apt("remove", "besedka")
        assert _status() == "", "removal left something behind (config files?)"
        assert not PREFIX.exists() and not Path("/usr/bin/besedka").exists()
        assert not Path("/usr/share/applications/besedka.desktop").exists()
        assert _snapshot(home) == profile, "removing the package changed the user's profile"
        assert keychain.intact(), "removing the package changed the keychain"

        apt.as_root("dpkg", "--purge", "besedka")  # nothing left to purge: a no-op, and stays so
        assert _status() == ""
        assert _snapshot(home) == profile, "purging the package changed the user's profile"
        assert keychain.intact(), "purging the package changed the keychain"
    finally:
        keychain.remove()


def _check_desktop_integration() -> None:
    """The menu entry runs the command on the PATH, and the icon theme knows the icon."""
    entry = Path("/usr/share/applications/besedka.desktop").read_text(encoding="utf-8")
    assert "\nExec=besedka\n" in entry and "\nIcon=besedka\n" in entry
    hicolor = Path("/usr/share/icons/hicolor")
    assert (hicolor / "scalable" / "apps" / "besedka.svg").is_file()
    assert (hicolor / "256x256" / "apps" / "besedka.png").is_file()
    cache = hicolor / "icon-theme.cache"  # refreshed by gtk-update-icon-cache's trigger
    if cache.is_file() and shutil.which("gtk-update-icon-cache"):
        assert b"besedka" in cache.read_bytes()
