"""Shared fixtures of the Python tests (tests/python).

The exact reference (zbb_reference.py), the model generator (model_gen.py) and
the CLI checks (test_cross_check.py) are reused from here; the zbb CLI is taken
from $ZBB_CLI or <repo>/build/zbb.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from model_gen import generate_model, write_model  # noqa: E402

EXAMPLE = REPO / "examples" / "dementia-friendly.json"
CLI_MODELS = REPO / "tests" / "cli" / "models"


def example_paths() -> list[Path]:
    """Every zbb-model/1 example: examples/*.json and the valid CLI test models."""
    return (
        sorted(REPO.glob("examples/*.json"))
        + sorted(CLI_MODELS.glob("small.json"))
        + sorted(CLI_MODELS.glob("ok-*.json"))
    )


def bad_model_paths() -> list[Path]:
    return sorted(CLI_MODELS.glob("bad-*.json"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture()
def example_model() -> Any:
    import zbb

    return zbb.read_json(EXAMPLE)


@pytest.fixture(scope="session")
def cli() -> Path:
    """The zbb CLI; a missing binary fails the test (it is not skipped)."""
    path = Path(os.environ.get("ZBB_CLI") or REPO / "build" / "zbb")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"zbb CLI not found at {path}: build it (cmake -S . -B build && cmake --build build) or set ZBB_CLI",
            pytrace=False,
        )
    return path


@pytest.fixture()
def generated(tmp_path: Path) -> Callable[..., Path]:
    """Writes a generated model: generated(seed, goals, activities, resources, partners, suppliers)."""

    def make(seed: int, *sizes: int, **kwargs: Any) -> Path:
        model = generate_model(random.Random(seed), *sizes, **kwargs)
        return write_model(model, tmp_path / f"gen-{seed}.json")

    return make


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
