"""`make bench`: timings of the build pipeline on this machine, each the median of several runs.

- clean build: `chipshock build` after removing every executed notebook and the HTML;
- no-op build: `chipshock build` again with nothing changed;
- chapter rerun: `chipshock run background` with a parameter changed each time;
- command start-up: `chipshock --help`, `chipshock chapters` and `chipshock params developers`
  against a bare `python -c pass` (median of 5 each);
- data build: `chipshock data build` from data/raw (when the data layer and raw data exist);
- each chapter's execution with its defaults (from the last clean build), and the robustness
  chapter's specification curve alone (default grid, both cores).

The timing targets (the test suite asserts no wall-clock times) are checked here: each is printed
as met or MISSED, and a missed one makes `make bench` exit 1.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHIPSHOCK = str(Path(sys.executable).with_name("chipshock"))
RUNS = 3
STARTUP_ABOVE_PYTHON = 0.3
"""The quick commands answer within this many seconds of a bare `python -c pass`."""
TARGETS = {"no-op `make book`": 3.0, "diffusion": 60.0}
"""Seconds: the no-op build (median) and a chapter's execution with its defaults."""
MISSED: list[str] = []


def target(name: str, seconds: float, limit: float) -> str:
    """'met' or 'MISSED' (remembered, so that the run exits 1)."""
    if seconds < limit:
        return f"met (< {limit:g} s)"
    MISSED.append(f"{name}: {seconds:.2f} s, target under {limit:g} s")
    return f"MISSED (target < {limit:g} s)"


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t0


def clean_build() -> float:
    for folder in ("computation", "_build"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)
    return timed([CHIPSHOCK, "build"])


def chapter_rerun(i: int, chapter: str = "background") -> float:
    """`chipshock run CHAPTER` with a parameter no earlier run used (so it executes and builds)."""
    out = ROOT / "variants" / f"bench-{chapter}-{i}"
    shutil.rmtree(out, ignore_errors=True)
    change = {"background": ["start_date", f"2016-01-{i + 2:02d}"],
              "developers": ["window_weeks", str(20 + i)]}[chapter]
    seconds = timed([CHIPSHOCK, "run", chapter, "-p", *change, "--out", str(out)])
    shutil.rmtree(out, ignore_errors=True)
    return seconds


def startup() -> None:
    """Median of 5 wall-clock times of the quick commands, and of `python -c pass` for reference."""
    commands = {"`python -c pass`": [sys.executable, "-c", "pass"],
                "`chipshock --help`": [CHIPSHOCK, "--help"],
                "`chipshock chapters`": [CHIPSHOCK, "chapters"],
                "`chipshock params developers`": [CHIPSHOCK, "params", "developers"]}
    medians = {name: statistics.median(timed(cmd) for _ in range(5)) for name, cmd in commands.items()}
    base = medians["`python -c pass`"]
    print("| command | median of 5 (s) | above `python -c pass` (s) | target |\n|---|---|---|---|")
    for name, seconds in medians.items():
        reference = name == "`python -c pass`"
        check = "" if reference else target(f"{name} above python", seconds - base, STARTUP_ABOVE_PYTHON)
        print(f"| {name} | {seconds:.3f} | {seconds - base:.3f} | {check} |")
    print()


def main() -> int:
    startup()
    if "--startup" in sys.argv:
        return finish()
    rows = [
        ("clean `make book` (after install)", [clean_build() for _ in range(RUNS)]),
        ("no-op `make book`", [timed([CHIPSHOCK, "build"]) for _ in range(RUNS)]),
        ("`chipshock run background` (changed parameter)", [chapter_rerun(i) for i in range(RUNS)]),
        ("`chipshock run developers` (changed parameter)",
         [chapter_rerun(i, "developers") for i in range(RUNS)]),
    ]
    if (ROOT / "data" / "raw").is_dir():
        try:
            data_runs = [timed([CHIPSHOCK, "data", "build"]) for _ in range(RUNS)]
            rows.append(("`chipshock data build`", data_runs))
        except subprocess.CalledProcessError as exc:
            print(f"data build not timed: {exc}", file=sys.stderr)
    print(f"| step | median of {RUNS} (s) | runs (s) | target |\n|---|---|---|---|")
    for name, seconds in rows:
        runs = ", ".join(f"{s:.1f}" for s in seconds)
        median = statistics.median(seconds)
        check = target(name, median, TARGETS[name]) if name in TARGETS else ""
        print(f"| {name} | {median:.1f} | {runs} | {check} |")
    print("\n| chapter (defaults, last clean build) | execution (s) | target |\n|---|---|---|")
    for path in sorted((ROOT / "computation").glob("*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("papermill", {})
        seconds = meta.get("duration", float("nan"))
        check = target(path.stem, seconds, TARGETS[path.stem]) if path.stem in TARGETS else ""
        print(f"| {path.stem} | {seconds:.1f} | {check} |")
    print(f"\n| robustness: specification curve, default grid | {curve_seconds():.1f} s |")
    did_core_ratios()
    return finish()


def finish() -> int:
    """0 when every timing target was met, else 1 with the missed ones on stderr."""
    for line in MISSED:
        print(f"bench: missed {line}", file=sys.stderr)
    return 1 if MISSED else 0


def curve_seconds() -> float:
    """Median of RUNS timings of the default specification curve (both cores)."""
    from chipshock.chapters.robustness import analysis as rb
    from chipshock.chapters.robustness import parameters as rbp
    from chipshock.data import curated
    from chipshock.data.build import load
    from chipshock.paths import Project

    project = Project(ROOT)
    args = (load(project, "commits"), load(project, "repositories"), curated.model_releases(project))
    seconds = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        rb.specification_curve(*args, rbp.PARAMS.defaults())
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)


# --- the stacked-DiD core against pyfixest (developers helper; self-contained)


def _best_of(fn: object, runs: int = 5) -> float:
    """Best of `runs` wall-clock timings of fn() (after one warm-up call)."""
    fn()  # type: ignore[operator]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def did_core_ratios() -> None:
    """pyfixest's feols/fepois time over the core's on the developers chapter's pooled two-region
    panel (default parameters, holiday terms, same fixed effects and repository clusters), warm,
    best of five, in the same run; and the largest coefficient/standard-error gap between them."""
    import warnings

    import numpy as np
    import pyfixest as pf

    from chipshock.chapters.developers import analysis as dv
    from chipshock.chapters.developers import parameters as dvp
    from chipshock.data import curated
    from chipshock.data.build import load
    from chipshock.econometrics import stacked
    from chipshock.paths import Project

    project = Project(ROOT)
    p = dvp.PARAMS.defaults()
    s = dv.settings(p)
    releases = curated.model_releases(project)
    commits, repos = load(project, "commits"), load(project, "repositories")
    panel = dv.make_panel(dv.classified_commits(commits, repos, p), releases, p)
    pool = list(dv.identification(panel, s, p).query("pooled").index)
    data, design, hol = dv.stack_regions(panel, s, dv.windows_for(s, pool), "CN", "US", p["min_pre_periods"])
    terms = ["treat_post", *hol]
    formula = f"y ~ {' + '.join(terms)} | repo^period^shock + repo^region^shock"
    print("\n| stacked DiD, pooled two-region panel | core (s) | pyfixest (s) | pyfixest / core "
          "| max coefficient gap | max relative se gap | observations (core, pyfixest) |")
    print("|---|---|---|---|---|---|---|")
    for estimator in ("ols_level", "ppml"):
        frame = data.assign(y=data["commits"])
        ours = stacked.fit(frame, design, terms, estimator)

        def theirs(frame: object = frame, estimator: str = estimator) -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                call = pf.fepois if estimator == "ppml" else pf.feols
                return call(formula, frame, vcov={"CRV1": "repo"}, ssc=pf.ssc())

        ref = theirs()
        gap = np.abs(ours.coef - ref.coef().to_numpy()).max()
        se_gap = np.abs(ours.se / ref.se().to_numpy() - 1).max()
        t_core = _best_of(lambda f=frame, e=estimator: stacked.fit(f, design, terms, e))
        t_pf = _best_of(theirs)
        label = "OLS" if estimator != "ppml" else "Poisson"
        print(f"| {label} | {t_core:.3f} | {t_pf:.3f} | {t_pf / t_core:.1f}x | {gap:.1e} | {se_gap:.1e} "
              f"| {ours.n_obs}, {ref._N} |")
    print("(Poisson: pyfixest keeps the rows of unit x period x shock cells with no event on either side, "
          "which carry no information; the core drops them as `models.fit_ppml` does, hence the small "
          "standard-error gap.)")


if __name__ == "__main__":
    raise SystemExit(main())
