#!/usr/bin/env bash
# Every check kisdesk has, in one place: ruff, ruff format, mypy, import contracts, pytest.
#
# README's test command and .ci/run both end in `bash tests/check.sh`, so they cannot drift apart.
# Every step runs even if an earlier one failed, so one run shows everything that is wrong;
# the exit status is non-zero if any step failed.
#
# Usage:  bash tests/check.sh [extra pytest arguments]
#   PYTHON=/path/to/python         interpreter with kisdesk[test] installed
#                                  (default: the repo's .venv/bin/python, else python3 on PATH)
#   KISDESK_PYTEST_TIMEOUT=SECONDS hard limit for the whole pytest run (default 300)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -x "$ROOT/.venv/bin/python" ]]; then
    PY="$ROOT/.venv/bin/python"
else
    PY="$(command -v python3)"
fi
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export LC_NUMERIC=C  # EPOCHREALTIME and printf must agree on the decimal point
PYTEST_TIMEOUT="${KISDESK_PYTEST_TIMEOUT:-300}"
PYTEST_LOG="$(mktemp)"
trap 'rm -f "$PYTEST_LOG"' EXIT

failed=()
timings=()

elapsed_since() {
    awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

step() {
    local name="$1" start rc
    shift
    echo
    echo "==> $name"
    start="$EPOCHREALTIME"
    "$@"
    rc=$?
    timings+=("$(printf '%-22s %6ss  %s' "$name" "$(elapsed_since "$start")" "$([[ $rc -eq 0 ]] && echo ok || echo "FAILED ($rc)")")")
    [[ $rc -eq 0 ]] || failed+=("$name")
}

lint_imports() {
    # import-linter 2.x has no `python -m importlinter`; call the console script's entry function.
    "$PY" -c 'import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())' --no-logo
}

run_pytest() {
    # A test stuck in a nested Qt loop hangs pytest-asyncio's teardown for ever, and pytest-timeout
    # cannot stop it (stack-notes, Pitfalls #2): only a KILL from outside ends such a run.
    timeout -s KILL "$PYTEST_TIMEOUT" "$PY" -m pytest --durations=5 "$@" 2>&1 | tee "$PYTEST_LOG"
    local rc=${PIPESTATUS[0]}
    case $rc in
        5) echo "pytest collected no tests; treated as success"; return 0 ;;
        137) echo "pytest was KILLED after ${PYTEST_TIMEOUT}s: a test hung (nested Qt loop in a coroutine?)" ;;
    esac
    return "$rc"
}

echo "check.sh: $("$PY" --version) at $PY, QT_QPA_PLATFORM=$QT_QPA_PLATFORM"
total_start="$EPOCHREALTIME"
step "ruff check" "$PY" -m ruff check .
step "ruff format --check" "$PY" -m ruff format --check .
step "mypy" "$PY" -m mypy kisdesk tests
step "lint-imports" lint_imports
step "pytest" run_pytest "$@"

echo
echo "==> summary ($(elapsed_since "$total_start")s in all)"
printf '    %s\n' "${timings[@]}"
# Repeat pytest's closing line last, where CI looks for the test count.
grep -E '(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' "$PYTEST_LOG" | tail -n 1
if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
