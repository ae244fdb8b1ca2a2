#!/usr/bin/env bash
# Build the kisdesk bundle with PyInstaller, from a fresh venv that holds only the runtime
# dependencies (style.md B.9: a dev venv would put pytest, mypy, ruff ... into the bundle).
#
# Usage:  bash packaging/build.sh [--onefile] [--reuse-venv]
#   (default)      one-folder bundle: dist/kisdesk/kisdesk, Qt as separate shared libraries (LGPL)
#   --onefile      one-file bundle:   dist/kisdesk-onefile (unpacks to a temp folder at every start)
#   --reuse-venv   keep build/venv-runtime if it exists (quicker local rebuilds; CI always starts fresh)
#   PYTHON=python3.11  interpreter for the build venv (default: python3)
#
# Then:  QT_QPA_PLATFORM=offscreen dist/kisdesk/kisdesk --self-test
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off

PYINSTALLER_VERSION="6.22.*"  # stack-notes §6
VENV="build/venv-runtime"
onefile=0
reuse_venv=0
for arg in "$@"; do
    case $arg in
        --onefile) onefile=1 ;;
        --reuse-venv) reuse_venv=1 ;;
        -h | --help)
            sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "build.sh: unknown option $arg (try --help)" >&2
            exit 2
            ;;
    esac
done

start=$SECONDS
if [[ $reuse_venv == 0 || ! -x $VENV/bin/python ]]; then
    echo "==> fresh runtime venv in $VENV"
    rm -rf "$VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
    # `.` without extras: kisdesk's runtime dependencies only, plus PyInstaller itself
    "$VENV/bin/python" -m pip install -q . "pyinstaller==$PYINSTALLER_VERSION"
fi
venv_time=$((SECONDS - start))

TEST_TOOLS='^(pytest|pytest[-_].*|hypothesis|mypy|ruff|import[-_]linter|coverage)$'
if "$VENV/bin/python" -m pip list --format=freeze | cut -d= -f1 | grep -iE "$TEST_TOOLS"; then
    echo "build.sh: test tools are installed in $VENV (listed above); they would end up in the bundle" >&2
    exit 1
fi

if [[ $onefile == 1 ]]; then
    target="dist/kisdesk-onefile"
else
    target="dist/kisdesk"
fi
echo "==> pyinstaller $("$VENV/bin/pyinstaller" --version) -> $target"
build_start=$SECONDS
rm -rf "$target"
KISDESK_ONEFILE=$onefile "$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/kisdesk.spec
build_time=$((SECONDS - build_start))

# Nothing from the test toolchain inside (the one-folder bundle can be inspected file by file).
if [[ $onefile == 0 ]]; then
    found="$(find "$target" -iregex '.*/\(_\?pytest[^/]*\|hypothesis\|mypy\|ruff\|pytestqt\|importlinter\)\(/.*\)\?' | head -n 5)"
    if [[ -n $found ]]; then
        echo "build.sh: test tools found in the bundle:" >&2
        echo "$found" >&2
        exit 1
    fi
fi

echo "==> built $target: $(du -sh "$target" | cut -f1) on disk; venv ${venv_time}s, pyinstaller ${build_time}s, total $((SECONDS - start))s"
