#!/usr/bin/env bash
# Build a Debian package (.deb) of Besedka from the PyInstaller one-folder bundle.
#
#   packaging/build_deb.sh                 build the bundle, then dist/besedka_<version>_<arch>.deb
#   packaging/build_deb.sh --bundle DIR    package an existing bundle (DIR/besedka, DIR/_internal)
#
# --out DIR writes the .deb elsewhere; --revision N sets the Debian revision (default 1).
# The version comes from pyproject.toml. Needs dpkg-deb and dpkg-shlibdeps (dpkg-dev);
# DEBFULLNAME and DEBEMAIL override the maintainer. Install: sudo apt install ./FILE.deb
set -euo pipefail

bundle=""
out=""
revision=1
while (($#)); do
  case $1 in
    --bundle) bundle=$(realpath -m "${2:?--bundle needs a folder}"); shift ;;
    --out) out=$(realpath -m "${2:?--out needs a folder}"); shift ;;
    --revision) revision=${2:?--revision needs a number}; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build_deb.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
cd "$(dirname "$0")/.."
out=${out:-dist}
for tool in dpkg-deb dpkg-shlibdeps gzip; do
  command -v "$tool" >/dev/null \
    || { echo "build_deb.sh: $tool is missing (apt-get install dpkg-dev)" >&2; exit 1; }
done

if [ -z "$bundle" ]; then
  packaging/build.sh
  bundle=dist/besedka
fi
[ -x "$bundle/besedka" ] && [ -d "$bundle/_internal" ] \
  || { echo "build_deb.sh: $bundle is not a one-folder bundle (packaging/build.sh)" >&2; exit 1; }

python=${PYTHON:-python3}
[ -z "${PYTHON:-}" ] && [ -x .venv/bin/python ] && python=.venv/bin/python
upstream=$("$python" -c 'import sys, tomllib
print(tomllib.load(sys.stdin.buffer)["project"]["version"])' <pyproject.toml)
version=$upstream-$revision
arch=$(dpkg --print-architecture)
maintainer="${DEBFULLNAME:-Besedka maintainers} <${DEBEMAIL:-maintainers@users.noreply.b-seed-fdf00858.example}>"
# Dates in the changelog and file times: the last commit, so a rebuild gives the same package.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

work=$(mktemp -d "${TMPDIR:-/tmp}/besedka-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/debian/besedka  # dpkg-shlibdeps wants the package tree at debian/<package>
doc=$root/usr/share/doc/besedka

# The bundle, whole: it finds its _internal/ (Qt, Python, the Russian CA under
# providers/certs/) next to the real executable, wherever that is.
mkdir -p "$root/usr/lib" "$root/usr/bin" "$doc" "$root/usr/share/applications" \
  "$root/usr/share/man/man1" "$root/DEBIAN"
cp -R --no-preserve=ownership "$bundle" "$root/usr/lib/besedka"
# The package depends on fonts-noto-color-emoji: the bundle's own copy is not needed.
rm -rf "$root/usr/lib/besedka/_internal/fonts"
ln -s ../lib/besedka/besedka "$root/usr/bin/besedka"

# The menu entry and every icon size the project has. hicolor-icon-theme's and
# desktop-file-utils' dpkg triggers refresh the caches: no maintainer scripts at all.
install -m 644 resources/besedka.desktop "$root/usr/share/applications/besedka.desktop"
for png in resources/icons/besedka-*.png; do
  size=${png##*-}; size=${size%.png}
  install -D -m 644 "$png" "$root/usr/share/icons/hicolor/${size}x$size/apps/besedka.png"
done
install -D -m 644 resources/icons/besedka.svg "$root/usr/share/icons/hicolor/scalable/apps/besedka.svg"

sed "s/@VERSION@/$upstream/" packaging/deb/besedka.1 | gzip -9n >"$root/usr/share/man/man1/besedka.1.gz"
install -m 644 packaging/deb/copyright "$doc/copyright"
[ ! -f packaging/deb/lintian-overrides ] \
  || install -D -m 644 packaging/deb/lintian-overrides "$root/usr/share/lintian/overrides/besedka"
{
  echo "besedka ($version) unstable; urgency=medium"
  echo
  echo "  * Besedka $upstream, packaged from its PyInstaller bundle."
  echo
  echo " -- $maintainer  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.Debian.gz"

# Shared libraries PyInstaller copied from this system's packages (zlib, OpenSSL, libpng,
# freetype, libstdc++, ...) come out again: the installed app loads the system's, which
# get Debian's security updates, and Depends names their packages. A copy is the
# system's file when both have the same GNU build ID. Libraries of the Qt wheel and of
# a Python built outside Debian have no system twin and stay.
build_id() { readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: //p'; }
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
unbundled=()
for library in "$root"/usr/lib/besedka/_internal/lib*.so*; do
  [ -f "$library" ] && [ ! -L "$library" ] || continue  # libQt6* links into PySide6/
  name=${library##*/}
  ours=$(build_id "$library")
  [ -n "$ours" ] || continue
  for system in "/lib/$multiarch/$name" "/usr/lib/$multiarch/$name"; do
    if [ -f "$system" ] && [ "$(build_id "$system")" = "$ours" ] \
      && dpkg -S "$system" >/dev/null 2>&1; then
      rm "$library"
      unbundled+=("$name")
      break
    fi
  done
done

# RUNPATHs that point outside the bundle (a Python built under /root/.pyenv leaves its
# own lib folder in every module) would make the loader look there on users' machines.
mapfile -t elves < <(find "$root/usr" -type f -exec sh -c \
  'for f; do [ "$(head -c 4 "$f")" = "$(printf "\177ELF")" ] && echo "$f"; done' sh {} +)
for elf in "${elves[@]}"; do
  runpath=$(readelf -d "$elf" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\2/p')
  [ -n "$runpath" ] || continue
  kept=$(tr : '\n' <<<"$runpath" | grep '^\$ORIGIN' | paste -sd :) || true
  [ "$kept" != "$runpath" ] || continue
  command -v patchelf >/dev/null \
    || { echo "build_deb.sh: $elf has RUNPATH $runpath; install patchelf" >&2; exit 1; }
  if [ -n "$kept" ]; then patchelf --set-rpath "$kept" "$elf"; else patchelf --remove-rpath "$elf"; fi
done

# Policy modes: directories 755, files 644; only the executable keeps its x bit
# (shared libraries load without one).
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root/usr/lib/besedka/besedka"

# Depends: the system libraries the bundle links to and does not carry (glibc, libGL,
# libxcb, and the ones taken out above), as dpkg-shlibdeps works them out on this
# machine, plus what no library names: the CA certificates for HTTPS, colour emoji.
printf 'Source: besedka\n\nPackage: besedka\nArchitecture: any\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -l/usr/lib/besedka/_internal \
  "${elves[@]/#$work\//-e}" 2>"$work/shlibdeps.log") \
  || { cat "$work/shlibdeps.log" >&2; exit 1; }
depends="${shlibs#shlibs:Depends=}, ca-certificates, fonts-noto-color-emoji"

find "$root" -depth -exec touch --no-dereference -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
# Installed-Size as dpkg-gencontrol counts it: KiB per file rounded up, 1 per directory.
installed_size=$(cd "$root" && find usr \( -type f -o -type l \) -printf '%s\n' \
  | awk '{ kib += int(($1 + 1023) / 1024) } END { print kib }')
installed_size=$((installed_size + $(find "$root/usr" -type d | wc -l)))
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@MAINTAINER@/$maintainer/" \
  -e "s/@INSTALLED_SIZE@/$installed_size/" -e "s/@DEPENDS@/$depends/" \
  packaging/deb/control.in >"$root/DEBIAN/control"

mkdir -p "$out"
deb=$out/besedka_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build_deb.sh: the system's own ${#unbundled[@]} libraries replace the bundle's copies"
echo "build_deb.sh: built $deb ($(($(stat -c %s "$deb") / 1000000)) MB;" \
  "$((installed_size * 1024 / 1000000)) MB once installed)"
