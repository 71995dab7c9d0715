"""Static checks as tests: ruff over the Python sources, tests, fuzz harnesses and benchmarks, mypy --strict
over src/zbb, codespell over the repository (all configured in pyproject.toml; versions pinned in
scripts/requirements.txt; .pre-commit-config.yaml runs the same tools before a commit)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "src", "tests/python", "tests/fuzz/python", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--check", "src", "tests/python", "tests/fuzz/python", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell_is_clean() -> None:
    # Configured in pyproject.toml ([tool.codespell]: the field's Dutch terms and deliberate typos).
    result = _run("codespell_lib")
    assert result.returncode == 0, result.stdout + result.stderr
