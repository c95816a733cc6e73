"""The package's layout: imports flow one way, and nothing heavy loads before a command needs it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "chipshock"

# Layers from the bottom up; a module may import its own layer or a lower one, never a higher one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "paths", "params"),
    ("data", "econometrics", "charts", "tables", "claims", "numbers"),
    ("measures",),
    ("chapters",),
    ("pipeline",),
    ("teaching",),
    ("cli",),
)
RANK = {part: i for i, layer in enumerate(LAYERS) for part in layer}
HEAVY = ("pandas", "numpy", "altair", "scipy", "statsmodels", "pyarrow", "pandera", "papermill", "nbformat")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The chipshock modules a file imports, at any depth (lazy imports inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chipshock"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("chipshock"))
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports(path) if m in files and m != name} for name, path in files.items()}


def layer(module: str) -> int:
    parts = module.split(".")
    return RANK[parts[1]] if len(parts) > 1 else -1


def test_every_top_level_part_has_a_layer() -> None:
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    missing = tops - set(RANK)
    assert not missing, f"give these a layer in tests/test_layout.py and CONTRIBUTING.md: {missing}"


def test_imports_never_go_up_a_layer() -> None:
    upward = sorted(f"{a} -> {b}" for a, deps in graph().items() for b in deps if layer(b) > layer(a))
    assert not upward, "imports that go up a layer:\n" + "\n".join(upward)


def test_pipeline_reaches_chapters_only_through_the_registry() -> None:
    bad = sorted(f"{a} -> {b}" for a, deps in graph().items() for b in deps
                 if a.startswith("chipshock.pipeline.") and b.startswith("chipshock.chapters")
                 and a != "chipshock.pipeline.registry")
    assert not bad, bad


def test_the_import_graph_has_no_cycle() -> None:
    g = graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(g[node]):
            if state.get(dep) == 1:
                cycle = [*path[path.index(dep):], dep] if dep in path else [node, dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, [*path, dep])
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node, [node])


def test_cycle_detection_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cycle test is not vacuous: a constructed cycle is reported."""
    fake = {"chipshock.a": {"chipshock.b"}, "chipshock.b": {"chipshock.a"}}
    monkeypatch.setitem(globals(), "graph", lambda: fake)
    with pytest.raises(pytest.fail.Exception, match="import cycle"):
        test_the_import_graph_has_no_cycle()


def test_parameter_declarations_stay_light() -> None:
    """`chipshock params` reads every chapter's declaration without pandas, altair or the estimators."""
    code = ("import sys\nfrom chipshock.pipeline.registry import CHAPTERS\n"
            "for c in CHAPTERS: c.params.defaults(); c.inputs\nimport chipshock.cli\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
            "print(sorted(m for m in sys.modules if m.startswith('chipshock.chapters') and "
            "m.endswith('analysis')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "[]"], out


def test_each_chapter_lines_up_with_its_pages() -> None:
    """notebooks/<id>.md, book/<id>.md and chipshock/chapters/<id>/ exist for every registered chapter."""
    from chipshock.pipeline.registry import CHAPTERS

    root = PACKAGE.parents[1]
    for chapter in CHAPTERS:
        assert (root / chapter.source).is_file() and (root / chapter.narrative).is_file()
        assert (PACKAGE / "chapters" / chapter.id / "parameters.py").is_file()
        assert (PACKAGE / "chapters" / chapter.id / "analysis.py").is_file()


def _median_seconds(cmd: list[str], runs: int = 5) -> float:
    import statistics
    import time

    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@pytest.mark.parametrize("args", [["--help"], ["chapters"], ["params", "developers"]])
def test_quick_commands_answer_at_once(args: list[str]) -> None:
    """Within 0.3 s of a bare `python -c pass` (median of 5), as the README's runtime table says."""
    chipshock = str(Path(sys.executable).with_name("chipshock"))
    base = _median_seconds([sys.executable, "-c", "pass"])
    assert _median_seconds([chipshock, *args]) - base < 0.3
