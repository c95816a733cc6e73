"""The chipshock command: listing, and bad input that exits 2 and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chipshock.cli import main
from chipshock.paths import Project


def test_chapters_lists_ids_and_titles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chapters"]) == 0
    assert "background" in capsys.readouterr().out


def test_params_lists_type_default_allowed_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["params", "background"]) == 0
    out = capsys.readouterr().out
    assert "countries  (list[str], default US,CN)" in out
    assert "allowed: 1 or more distinct items, comma-separated, each one of US, CN" in out
    assert "whose policy events to show" in out


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "nochapter"], "unknown chapter 'nochapter'"),
        (["run", "background", "-p", "colour", "red"], "unknown parameter 'colour'"),
        (["run", "background", "-p", "start_date", "2016-13-01"], "parameter 'start_date'"),
        (["run", "background", "-p", "countries", "US,DE"], "value 'DE' is not allowed"),
        (["run", "background", "-p", "end_date", "2031-01-01"], "is above the maximum"),
        (["run", "background", "-f", "broken.yml"], "is not valid YAML"),
        (["run", "background", "-f", "absent.yml"], "cannot read parameter file"),
        (["params", "nochapter"], "unknown chapter"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], needle: str,
) -> None:
    (project.root / "broken.yml").write_text("countries: [CN\n")
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    monkeypatch.chdir(project.root)
    before = _files(project.root)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert err.startswith("chipshock: error:") and err.count("\n") == 1
    assert _files(project.root) == before


def test_console_script_exit_code() -> None:
    exe = Path(sys.executable).with_name("chipshock")
    proc = subprocess.run([str(exe), "params", "nochapter"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "unknown chapter" in proc.stderr
