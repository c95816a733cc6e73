"""Execute a student's notebook in a kernel of its own and capture its answers.

`python -m chipshock.teaching.sandbox NOTEBOOK ANSWERS.json KERNEL.pid NAME...` runs every cell
(an error in one cell does not stop the others, as in any autograder), then reads the named
variables in a last cell and writes them to ANSWERS.json as `{name: {"value": v} | {"shown": repr}}`,
with the cells that raised. The grader runs this in its own process group with a time limit and
compares the captured values with keys it computed itself, in another process: nothing the
notebook does reaches the checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat

MARK = "<<chipshock-captured>>"


def capture_cell(names: list[str]) -> str:
    """Source of the last cell: the answers as JSON on one marked line of output."""
    return (f"def __chipshock_capture(names={names!r}):\n"
            "    import json, math\n"
            "    out = {}\n"
            "    for name in names:\n"
            "        if name not in globals():\n"
            "            out[name] = {'shown': 'not defined'}\n"
            "            continue\n"
            "        v = globals()[name]\n"
            "        finite = type(v) is not float or math.isfinite(v)\n"
            "        plain = type(v) in (int, float, str) and finite\n"
            "        out[name] = {'value': v} if plain else {'shown': repr(v)[:80]}\n"
            f"    print({MARK!r} + json.dumps(out))\n"
            "__chipshock_capture()")


def _captured(nb: nbformat.NotebookNode) -> dict[str, Any]:
    for output in nb.cells[-1].get("outputs", []):
        for line in str(output.get("text", "")).splitlines():
            if line.startswith(MARK):
                return json.loads(line[len(MARK):])
    return {}


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for number, cell in enumerate(nb.cells[:-1], start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {number} raised {output.get('ename')}: {str(output.get('evalue'))[:200]}")
    return found


def run(notebook: Path, answers: Path, pid_file: Path, names: list[str]) -> None:
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(capture_cell(names)))
    client = NotebookClient(nb, timeout=None, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})

    def started(**_: Any) -> None:
        pid_file.write_text(str(client.km.provisioner.pid))  # type: ignore[union-attr]

    client.on_notebook_start = started
    client.execute()
    answers.write_text(json.dumps({"answers": _captured(nb), "errors": _errors(nb)}), encoding="utf-8")


if __name__ == "__main__":
    run(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:])
