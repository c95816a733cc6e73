"""Notebook execution with default and other parameters, the strict build, and variants."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import REPO, glued

from chipshock.cli import main
from chipshock.errors import ExecutionError, UserError
from chipshock.paths import Project
from chipshock.pipeline.assemble import STAMP, build, run_variant
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import CHAPTERS, get_chapter

pytestmark = pytest.mark.slow


def test_strict_build_makes_every_page(built_book: Project) -> None:
    html = built_book.build_dir / "html"
    for page in ("index.html", "book/intro.html", "book/howto.html"):
        assert (html / page).is_file()
    for chapter in CHAPTERS:
        assert (html / "book" / f"{chapter.id}.html").is_file()
        assert (html / "computation" / f"{chapter.id}.html").is_file()
    log = (built_book.build_dir / "jupyter-book.log").read_text()
    assert "WARNING" not in log and "build succeeded" in log


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_every_glue_reference_is_glued(built_book: Project, chapter) -> None:
    page = (built_book.root / chapter.narrative).read_text()
    wanted = set(re.findall(r"::(\w+):", page)) | set(re.findall(r"```\{glue\} (\w+)", page))
    have = set(glued(built_book.root / chapter.executed))
    assert wanted and wanted <= have


def test_default_numbers_are_those_of_the_curated_tables(built_book: Project) -> None:
    from chipshock.data import curated

    values = glued(built_book.root / "computation/background.ipynb")
    events = curated.policy_events(built_book)
    shocks = events.loc[events["paper_shock"], "date"]
    assert values["n_events_all"] == len(events) and len(shocks) > 0
    assert values["n_shocks"] == len(shocks) and values["first_shock"] == f"{shocks.min():%Y-%m-%d}"


def test_noop_build_executes_nothing_and_skips_html(built_book: Project) -> None:
    messages: list[str] = []
    build(built_book, log=messages.append)  # how long it takes: `make bench`
    assert messages[-1] == "book: up to date, nothing rebuilt"
    assert all("cached" in m for m in messages[:-1])


def test_non_default_parameters_change_the_numbers(project: Project) -> None:
    chapter = get_chapter("background")
    values = chapter.params.resolve({"countries": "CN", "start_date": "2021-01-01",
                                     "release_origins": "CN"})
    out = project.root / "computation/background.ipynb"
    execute(project, chapter, chapter.params.to_plain(values), out)
    got = glued(out)
    assert got["n_events_us"] == 0 and got["n_events_cn"] > 0
    assert got["start_date"] == "2021-01-01"
    assert ">2021-01-01</td>" in got["params_table"] and "no (2016-01-01)" in got["params_table"]


def test_failing_notebook_leaves_nothing(project: Project) -> None:
    chapter = get_chapter("background")
    src = project.root / chapter.source
    src.write_text(src.read_text() + "\n```{code-cell} ipython3\n1 / 0\n```\n")
    out = project.root / chapter.executed
    with pytest.raises(ExecutionError, match="ZeroDivisionError"):
        execute(project, chapter, chapter.params.to_plain(chapter.params.defaults()), out)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []


def test_cli_run_renders_a_standalone_variant(project: Project, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    args = ["run", "background", "-f", "params/background-china.yml", "-p", "end_date", "2024-12-31"]
    assert main(args) == 0
    page = Path(capsys.readouterr().out.strip())
    assert page.is_file() and page.parent.parent.parent.parent.parent == project.variants
    html = page.read_text()
    assert "2024-12-31" in html and "vega-offline.js" in html
    assert (page.parents[2] / STAMP).is_file()
    # the same parameters again: nothing re-executed or rebuilt
    messages: list[str] = []
    chapter = get_chapter("background")
    values = chapter.params.resolve({"start_date": "2021-01-01", "end_date": "2024-12-31",
                                     "countries": "CN", "release_origins": "CN"})
    assert run_variant(project, chapter, values, log=messages.append) == page
    assert messages[0] == "background: variant up to date" and "changed from the default run" in messages[1]


def test_cli_run_with_a_failing_notebook_leaves_no_variant(project: Project,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    src = project.root / "notebooks/background.md"
    src.write_text(src.read_text() + "\n```{code-cell} ipython3\nraise RuntimeError('boom')\n```\n")
    assert main(["run", "background", "-p", "countries", "CN"]) == 1
    assert not project.variants.exists() or list(project.variants.iterdir()) == []


def test_build_failure_on_a_broken_reference(project: Project) -> None:
    page = project.root / "book/background.md"
    page.write_text(page.read_text() + "\nSee {glue:text}`../computation/background.ipynb::no_such_key:d`.\n")
    with pytest.raises(ExecutionError, match="no_such_key"):
        build(project, log=lambda _m: None)
    shutil.rmtree(project.build_dir, ignore_errors=True)


@pytest.mark.parametrize("name", ["developers-clock", "developers-monthly-ppml", "developers-2023-authors"])
def test_developers_with_other_parameter_sets(project: Project, name: str) -> None:
    from chipshock.params import read_params_file

    chapter = get_chapter("developers")
    values = chapter.params.resolve(read_params_file(project.root / "params" / f"{name}.yml"))
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    got = glued(out)
    assert 0 <= got["pooled_p"] <= 1 and got["pooled_ci_low"] <= got["pooled_coef"] <= got["pooled_ci_high"]
    assert got["geo_proxy"] == values["geo_proxy"] and got["unit"] == values["unit"]
    assert got["n_estimable"] >= 1


def test_developers_without_an_estimable_shock_is_a_clear_error(project: Project) -> None:
    chapter = get_chapter("developers")
    values = chapter.params.resolve({"min_repos": "80", "repo_groups": "A"})
    with pytest.raises(UserError, match="no shock can be estimated with these parameters"):
        execute(project, chapter, chapter.params.to_plain(values), project.root / chapter.executed)
    assert not (project.root / chapter.executed).exists()


def test_student_edition_has_exercises_but_no_solutions(built_book: Project) -> None:
    from chipshock.pipeline.assemble import SOLUTION, build_student

    index = build_student(built_book, log=lambda _m: None)
    html = index.parent
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (html / "book").glob("*.html")}
    full = {p.stem: p.read_text(encoding="utf-8")
            for p in (built_book.build_dir / "html" / "book").glob("*.html")}
    solutions = {page.stem: SOLUTION.findall(page.read_text(encoding="utf-8"))
                 for page in (built_book.root / "book").glob("*.md")}
    assert sum(map(len, solutions.values())) >= 3 * 5
    for stem, blocks in solutions.items():
        for block in blocks:
            # a distinctive run of words from each solution: in the full book, not in the student one
            words = " ".join(block.splitlines()[2].split()[:6]).replace("'", "’")  # Sphinx smartquotes
            assert words in full[stem].replace("\n", " ") or "`" in words
            assert words not in pages[stem].replace("\n", " ")
        if blocks:
            assert "Exercise 1" in pages[stem] and "dropdown solution" not in pages[stem]
            assert ">Solution<" not in pages[stem] and ">Solution<" in full[stem]


def synthetic_gharchive(path: Path, seed: int = 3) -> Path:
    """SIMULATED GH Archive weekly table (BigQuery-export shape) for the repositories of the data."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    repos = pd.read_parquet(REPO / "data/processed/repositories.parquet")["repo"].tolist()[:30]
    weeks = pd.date_range("2021-06-07", "2025-06-30", freq="W-MON")
    rows = []
    for i, repo in enumerate(repos):
        for week in weeks:
            for hour in (3, 9, 15, 20):
                n = int(rng.poisson(2.0))
                if n:
                    rows.append((repo, i + 1, week, hour, "ForkEvent", n, max(1, n - 1)))
    frame = pd.DataFrame(rows, columns=["repo", "repo_id", "week", "hour", "event_type", "events", "actors"])
    frame.to_csv(path, index=False)
    return path


def test_developers_on_gharchive_events(project: Project) -> None:
    chapter = get_chapter("developers")
    table = synthetic_gharchive(project.root / "gh.csv")
    values = chapter.params.resolve({"source": "gharchive", "geo_proxy": "hour",
                                     "gharchive_path": str(table)})
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    got = glued(out)
    assert got["source_note"].startswith("This run estimates on GH Archive fork events")
    assert 0 <= got["pooled_p"] <= 1
    # the cache sees the GH Archive table: changing it re-executes
    assert execute(project, chapter, chapter.params.to_plain(values), out) is False
    synthetic_gharchive(table, seed=4)
    assert execute(project, chapter, chapter.params.to_plain(values), out) is True


def test_developers_gharchive_needs_the_table_and_the_clock(project: Project) -> None:
    from chipshock.errors import ParamError

    chapter = get_chapter("developers")
    with pytest.raises(ParamError, match="use geo_proxy=hour"):
        chapter.params.resolve({"source": "gharchive"})
    values = chapter.params.resolve({"source": "gharchive", "geo_proxy": "hour"})
    with pytest.raises(UserError, match="chipshock data gharchive"):
        execute(project, chapter, chapter.params.to_plain(values), project.root / chapter.executed)
