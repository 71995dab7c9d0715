"""The examples in the docs run: CLI lines in docs/cli.md, docs/optimize.md and
docs/example-dementia-friendly.md, the C++ program in
docs/cpp-api.md."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("ZBB_CLI", ROOT / "build" / "zbb"))


DOCS_WITH_CLI_LINES = (
    "cli.md",
    "optimize.md",
    "example-dementia-friendly.md",
    "prior-year.md",
    "simulate.md",
    "areas.md",
    "years.md",
    "bbv.md",
)


def cli_lines(doc: str = "cli.md") -> list[tuple[str, int]]:
    text = (ROOT / "docs" / doc).read_text()
    lines = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ zbb"):
                command, _, comment = line[2:].partition("#")
                m = re.search(r"exit (\d+)", comment)
                lines.append((command.strip(), int(m.group(1)) if m else 0))
    return lines


def test_docs_have_cli_examples() -> None:
    assert len(cli_lines()) >= 5
    assert len(cli_lines("optimize.md")) >= 5


@pytest.mark.parametrize(("command", "expected_exit"), [line for doc in DOCS_WITH_CLI_LINES for line in cli_lines(doc)])
def test_cli_example_runs(command: str, expected_exit: int) -> None:
    assert CLI.exists(), f"zbb CLI not found at {CLI}; build it (bash scripts/install.sh) or set ZBB_CLI"
    args = shlex.split(command)
    result = subprocess.run([str(CLI), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == expected_exit, result.stderr
    if expected_exit == 0:
        assert result.stdout and not result.stderr
    elif expected_exit == 3:  # zbb optimize: infeasible, the explanation on stdout, one line on stderr
        assert result.stdout and len(result.stderr.strip().splitlines()) == 1
    else:
        assert not result.stdout and len(result.stderr.strip().splitlines()) == 1


def test_cpp_api_example_compiles_and_runs(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "cpp-api.md").read_text()
    blocks = re.findall(r"```cpp\n(.*?)```", text, flags=re.S)
    programs = [b for b in blocks if "int main" in b]
    assert programs, "docs/cpp-api.md has no complete C++ program"
    cxx = shutil.which("g++") or shutil.which("c++")
    assert cxx, "no C++ compiler"
    for i, source in enumerate(programs):
        src = tmp_path / f"example{i}.cpp"
        src.write_text(source)
        exe = tmp_path / f"example{i}"
        subprocess.run(
            [
                cxx,
                "-std=c++20",
                "-O1",
                "-Wall",
                "-Wextra",
                "-Werror",
                f"-I{ROOT / 'libzbb' / 'include'}",
                "-I/usr/include/eigen3",
                str(src),
                "-o",
                str(exe),
                "-lsimdjson",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        out = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
        assert "Total" in out.stdout


def test_every_public_header_is_in_the_cpp_api_page() -> None:
    """docs/cpp-api.md names every header under libzbb/include/zbb (its table of headers)."""
    page = (ROOT / "docs" / "cpp-api.md").read_text()
    include = ROOT / "libzbb" / "include"
    headers = sorted(str(h.relative_to(include)) for h in include.rglob("*.hpp"))
    assert len(headers) > 20
    missing = [h for h in headers if f"`{h}`" not in page]
    assert not missing, f"headers missing from docs/cpp-api.md: {missing}"
