"""Every notebook in examples/notebooks runs from top to bottom without an error (nbclient), in a
kernel of this very Python (the venv's), started from the notebook's own directory."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "examples" / "notebooks").glob("*.ipynb"))
KERNEL = "zbb-test-python"


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS


@pytest.fixture()
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec for sys.executable, so the notebooks run with the zbb installed here."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "zbb tests",
                "language": "python",
                "env": {
                    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                },
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    return KERNEL


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, kernel: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=300, resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError when a cell fails
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    # the notebook shows its tables and charts
    kinds = {k for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) for k in o.get("data", {})}
    assert {"text/html", "image/png"} <= kinds
