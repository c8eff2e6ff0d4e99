#!/usr/bin/env bash
# Build the Besedka binary with PyInstaller from this checkout (Linux x86-64).
#
#   packaging/build.sh              one folder: dist/besedka/besedka (ship the whole folder)
#   packaging/build.sh --onefile    one file:   dist/onefile/besedka (unpacks to /tmp per start)
#
# --distpath DIR / --workpath DIR build elsewhere (the smoke test does); --no-strip keeps
# symbols. Sets up .venv first if it is missing. PYTHON picks another interpreter that
# has PyInstaller and the app's dependencies installed.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=onedir
distpath=""
workpath=""
spec_args=()
while (($#)); do
  case $1 in
    --onefile) mode=onefile; spec_args+=(--onefile) ;;
    --no-strip) spec_args+=(--no-strip) ;;
    --distpath) distpath=${2:?--distpath needs a folder}; shift ;;
    --workpath) workpath=${2:?--workpath needs a folder}; shift ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$mode" = onefile ]; then
  distpath=${distpath:-dist/onefile}
  workpath=${workpath:-build/pyinstaller-onefile}
else
  distpath=${distpath:-dist}
  workpath=${workpath:-build/pyinstaller}
fi

# Absolute: PyInstaller reads the spec's paths from the spec's own folder (packaging/).
workpath=$(realpath -m "$workpath")
distpath=$(realpath -m "$distpath")

python=${PYTHON:-.venv/bin/python}
if [ -z "${PYTHON:-}" ] && [ ! -x .venv/bin/pyinstaller ]; then
  ./scripts/setup
fi

# Fresh translations for the bundle, compiled into the work folder: a build writes nothing
# into the source tree (the spec takes the rest of resources/ as it is).
mkdir -p "$workpath/translations"
for ts in resources/translations/besedka_*.ts; do
  name=$(basename "$ts" .ts)
  "$(dirname "$python")/pyside6-lrelease" -silent "$ts" -qm "$workpath/translations/$name.qm"
done

"$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$distpath" --workpath "$workpath" \
  packaging/besedka.spec -- "${spec_args[@]}" --translations "$workpath/translations"

if [ "$mode" = onefile ]; then
  output=$distpath/besedka
  size=$(stat -c %s "$output")
else
  output=$distpath/besedka/besedka
  size=$(du -sb "$distpath/besedka" | cut -f1)
fi
echo "build.sh: built $output ($((size / 1000000)) MB)"
