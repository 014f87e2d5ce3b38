"""The house keeps its shape: the import contracts in pyproject.toml (run by ./scripts/test as
`lint-imports`) fail when a planted import breaks them, and no module grows past 700 lines."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "src" / "coproduce"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LONGEST = 700


def lint_copy(tmp_path: Path, planted: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the contracts on a copy of the package with `planted` modules added."""
    copy = tmp_path / "src" / "coproduce"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    for name, code in planted.items():
        (copy / name).write_text(code)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_hold_on_an_untouched_copy(tmp_path):
    result = lint_copy(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("planted", "broken"),
    [
        (
            {"people/planted.py": "from coproduce.cafe import models\n"},
            "Floors: the foundation imports no capability",
        ),
        (
            {"cafe/seating/planted.py": "import django.db\n"},
            "Pure cores import nothing of Django",
        ),
        (
            {
                "workshops/planted_a.py": "from coproduce.workshops import planted_b\n",
                "workshops/planted_b.py": "from coproduce.workshops import planted_a\n",
            },
            "No circles",
        ),
    ],
    ids=["capability in the foundation", "django in a pure core", "a circle"],
)
def test_a_planted_violation_breaks_its_contract(tmp_path, planted, broken):
    result = lint_copy(tmp_path, planted)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout
    assert "BROKEN" in result.stdout.split(broken, 1)[1].splitlines()[0]


def test_no_module_is_longer_than_700_lines():
    """Migrations and demo data excepted: long because they are data."""
    long = {
        str(path.relative_to(SOURCE)): lines
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and path.name != "demo.py"
        if (lines := len(path.read_text().splitlines())) > LONGEST
    }
    assert long == {}
