"""The import contracts of pyproject.toml hold: ui -> app -> domain -> api, and Qt only in ui."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _lint_imports_command() -> list[str]:
    script = Path(sys.executable).with_name("lint-imports")  # console script of import-linter 2.x
    if script.is_file():
        return [str(script)]
    # No console script beside this interpreter (e.g. a system Python): call its entry function.
    code = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
    return [sys.executable, "-c", code]


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [*_lint_imports_command(), "--no-cache"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
