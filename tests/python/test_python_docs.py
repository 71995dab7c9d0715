"""Every ```python block of docs/python.md runs: in order, in one namespace, from a directory that
holds a copy of examples/ (so relative paths in the docs work and written files stay out of the
repository)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO

DOC = REPO / "docs" / "python.md"


def blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_docs_have_examples() -> None:
    assert len(blocks()) >= 10


def test_python_docs_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_python_md"}
    for i, source in enumerate(blocks()):
        try:
            exec(compile(source, f"{DOC}:block{i + 1}", "exec"), namespace)  # noqa: S102
        except Exception as e:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"docs/python.md, python block {i + 1} failed: {e!r}\n{source}") from e
    assert (tmp_path / "budget.xlsx").exists() and (tmp_path / "model.xlsx").exists()


def test_documented_table_columns_match() -> None:
    import zbb

    text = DOC.read_text(encoding="utf-8")
    listing = re.search(r"```text\n(goals .*?)```", text, flags=re.S)
    assert listing
    documented = {line.split()[0]: line.split(None, 1)[1].split(", ") for line in listing.group(1).splitlines()}
    assert documented == zbb.TABLE_COLUMNS
