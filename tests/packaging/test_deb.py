"""The .deb built from the session's bundle: what it installs where, what it depends on,
its copyright and changelog, and what lintian says. Nothing is installed here
(test_deb_install.py does that); the package is unpacked into a temporary folder."""

from __future__ import annotations

import fnmatch
import gzip
import importlib.metadata
import io
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.packaging.support import ROOT, control_fields, depended_packages, project_version

LIB = Path("usr/lib/besedka")
COPYRIGHT = ROOT / "packaging" / "deb" / "copyright"
ICONS = ROOT / "resources" / "icons"
ELF_MAGIC = b"\x7fELF"


def _arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _elf_files(root: Path) -> list[Path]:
    files = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == ELF_MAGIC:
                    files.append(path)
    return files


def _readelf(*args: str) -> str:
    return subprocess.run(
        ["readelf", *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _system_libraries() -> dict[str, str]:
    """soname → path of this machine's native libraries, as the dynamic loader sees them."""
    output = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    native: dict[str, str] = {}
    other: dict[str, str] = {}
    for match in re.finditer(r"^\s+(\S+) \((\S+)\) => (\S+)$", output, re.MULTILINE):
        soname, flags, path = match.groups()
        (native if "x86-64" in flags else other).setdefault(soname, path)
    return other | native


def _owner(path: str) -> str | None:
    """The package that ships PATH, seen through the /lib ↔ /usr/lib merge."""
    other = path.removeprefix("/usr") if path.startswith("/usr/") else "/usr" + path
    for candidate in dict.fromkeys([path, other, str(Path(path).resolve())]):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":")[0].split(",")[0].strip()
    return None


# -- the package as a whole ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_package_is_named_and_versioned_after_pyproject(deb: Path, unpacked: Path) -> None:
    fields = control_fields(deb)
    version = f"{project_version()}-1"
    assert fields["Package"] == "besedka"
    assert fields["Version"] == version
    assert fields["Architecture"] == _arch()
    assert deb.name == f"besedka_{version}_{_arch()}.deb"
    assert fields["Section"] and fields["Priority"] == "optional"
    assert re.fullmatch(r".+ <[^@ ]+@[^@ ]+>", fields["Maintainer"])
    assert "\n" in fields["Description"]  # a synopsis and a long description
    files = [path for path in unpacked.rglob("*") if path.is_file() or path.is_symlink()]
    apparent = sum(path.lstat().st_size for path in files)
    assert abs(int(fields["Installed-Size"]) * 1024 - apparent) < 0.05 * apparent


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_package_has_no_maintainer_scripts(deb: Path) -> None:
    """Nothing of ours runs on install, upgrade or removal, so nothing can touch a user's
    profile or keychain; hicolor's and desktop-file-utils' triggers refresh the caches."""
    control = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True, timeout=60
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(control)) as archive:
        members = {Path(name).name for name in archive.getnames()} - {"", "."}
    assert members == {"control", "md5sums"}


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_everything_lands_under_usr_owned_by_root_with_policy_modes(deb: Path) -> None:
    listing = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    with listing, tarfile.open(fileobj=listing.stdout, mode="r|") as archive:
        for member in archive:  # streamed: the archive is 110 MB
            name = member.name.removeprefix("./")
            assert name in {".", "", "usr"} or name.startswith("usr/"), name
            assert (member.uname, member.gname, member.uid, member.gid) == ("root", "root", 0, 0)
            if member.isdir():
                assert member.mode == 0o755, name
            elif member.isfile():
                executable = name == f"{LIB}/besedka"
                assert member.mode == (0o755 if executable else 0o644), name
    assert listing.returncode == 0


# -- where things are ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_command_menu_entry_icons_and_ca_are_where_the_system_looks(unpacked: Path) -> None:
    command = unpacked / "usr" / "bin" / "besedka"
    assert command.is_symlink() and not Path(command.readlink()).is_absolute()
    assert command.resolve() == (unpacked / LIB / "besedka").resolve()
    entry = unpacked / "usr" / "share" / "applications" / "besedka.desktop"
    assert entry.read_bytes() == (ROOT / "resources" / "besedka.desktop").read_bytes()
    hicolor = unpacked / "usr" / "share" / "icons" / "hicolor"
    pngs = sorted(ICONS.glob("besedka-*.png"))
    assert pngs, "the project has PNG icons"
    for png in pngs:
        size = png.stem.rsplit("-", 1)[1]
        assert (
            hicolor / f"{size}x{size}" / "apps" / "besedka.png"
        ).read_bytes() == png.read_bytes()
    svg = hicolor / "scalable" / "apps" / "besedka.svg"
    assert svg.read_bytes() == (ICONS / "besedka.svg").read_bytes()
    ca = unpacked / LIB / "_internal" / "providers" / "certs" / "russian_trusted_root_ca.pem"
    assert ca.read_bytes() == (ROOT / "providers" / "certs" / ca.name).read_bytes()
    with gzip.open(unpacked / "usr" / "share" / "man" / "man1" / "besedka.1.gz", "rt") as man:
        assert man.read().startswith(".TH BESEDKA 1")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_changelog_is_compressed_and_names_this_version(unpacked: Path) -> None:
    path = unpacked / "usr" / "share" / "doc" / "besedka" / "changelog.Debian.gz"
    data = path.read_bytes()
    assert data[:2] == b"\x1f\x8b" and data[4:8] == b"\0\0\0\0"  # gzip -n: no timestamp
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    assert lines[0] == f"besedka ({project_version()}-1) unstable; urgency=medium"
    assert re.match(r" -- .+ <.+>  \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000$", lines[-1])


# -- dependencies --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_depends_names_every_system_library_the_bundle_loads(deb: Path, unpacked: Path) -> None:
    depends = depended_packages(control_fields(deb)["Depends"])
    assert {"fonts-noto-color-emoji", "ca-certificates", "libc6", "libgl1"} <= depends
    carried = {path.name for path in unpacked.rglob("*.so*")}
    needed: dict[str, str] = {}  # soname → one file that needs it
    for elf in _elf_files(unpacked):
        output = _readelf("-d", str(elf))
        for soname in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", output):
            needed.setdefault(soname, elf.name)
    system = _system_libraries()
    missing = {}
    for soname, user in needed.items():
        if soname in carried:
            continue
        assert soname in system, f"{user} needs {soname}, which nothing provides"
        owner = _owner(system[soname])
        if owner not in depends:
            missing[soname] = owner
    assert not missing, f"loaded from the system but not in Depends: {missing}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_package_carries_no_copy_of_a_system_library(unpacked: Path) -> None:
    """The system's zlib, OpenSSL, libpng... get Debian's security updates; copies would not."""
    system = _system_libraries()
    copies = []
    for library in (unpacked / LIB / "_internal").glob("lib*.so*"):
        if library.is_symlink() or library.name not in system:
            continue
        ours = re.search(r"Build ID: (\w+)", _readelf("-n", str(library)))
        theirs = re.search(r"Build ID: (\w+)", _readelf("-n", system[library.name]))
        if ours and theirs and ours[1] == theirs[1]:
            copies.append(library.name)
    assert not copies, f"copies of the system's own libraries: {copies}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_no_library_looks_for_libraries_outside_the_package(unpacked: Path) -> None:
    for elf in _elf_files(unpacked):
        for path in re.findall(
            r"\((?:RPATH|RUNPATH)\)\s+Library \w+: \[(.+)\]", _readelf("-d", str(elf))
        ):
            outside = [entry for entry in path.split(":") if not entry.startswith("$ORIGIN")]
            assert not outside, f"{elf.relative_to(unpacked)} searches {outside}"


# -- copyright -----------------------------------------------------------------------------


def _paragraphs(text: str) -> list[dict[str, str]]:
    paragraphs = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        name = ""
        for line in block.splitlines():
            if line.startswith(" "):
                fields[name] += "\n" + line[1:]
            else:
                name, sep, value = line.partition(":")
                assert sep and name not in fields, f"malformed line {line!r}"
                fields[name] = value.strip()
        paragraphs.append(fields)
    return paragraphs


def _license_names(expression: str) -> set[str]:
    return {name.strip() for name in re.split(r" and | or ", expression.splitlines()[0])}


def test_copyright_is_machine_readable_and_defines_every_licence() -> None:
    header, *paragraphs = _paragraphs(COPYRIGHT.read_text(encoding="utf-8"))
    assert header["Format"] == "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    files = [paragraph for paragraph in paragraphs if "Files" in paragraph]
    assert files[0]["Files"] == "*"
    used = set()
    for paragraph in files:
        assert paragraph["Copyright"] and paragraph["License"], paragraph["Files"]
        used |= _license_names(paragraph["License"])
    defined = {p["License"] for p in paragraphs if "Files" not in p}
    assert all("\n" in p["License"] for p in paragraphs if "Files" not in p), "licence texts"
    assert used == {name.split("\n")[0] for name in defined}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_copyright_names_every_python_distribution_the_app_runs_on() -> None:
    text = _normal(COPYRIGHT.read_text(encoding="utf-8"))
    seen: set[str] = set()
    todo = ["besedka"]
    while todo:
        name = todo.pop()
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if _normal(name) in seen:
            continue
        seen.add(_normal(name))
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    unnamed = sorted(
        name for name in seen - {"besedka"} if not re.search(rf"(?<![\w-]){name}(?![\w-])", text)
    )
    assert not unnamed, f"packaging/deb/copyright does not name: {unnamed}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_copyright_covers_every_library_the_package_carries(unpacked: Path) -> None:
    text = (unpacked / "usr" / "share" / "doc" / "besedka" / "copyright").read_text("utf-8")
    assert text == COPYRIGHT.read_text(encoding="utf-8")
    patterns = [
        pattern
        for paragraph in _paragraphs(text)
        for pattern in paragraph.get("Files", "").split()
        if pattern not in {"*", f"{LIB}/*"}  # the catch-alls say nothing about a library
    ]
    for library in (unpacked / LIB / "_internal").glob("lib*.so*"):
        path = str(library.relative_to(unpacked))
        assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path


# -- lintian -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_lintian_reports_no_errors(deb: Path) -> None:
    if shutil.which("lintian") is None:
        pytest.skip("lintian is not installed (scripts/setup installs it)")
    result = subprocess.run(
        ["lintian", "--display-level", ">=warning", "--fail-on", "error", str(deb)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert not errors and result.returncode == 0, result.stdout + result.stderr
