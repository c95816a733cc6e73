"""The robustness chapter: grid, curve determinism, placebo dates and ranks, leave-one-out."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import REPO, glued

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers import parameters as dvp
from chipshock.chapters.robustness import analysis as rb
from chipshock.chapters.robustness import parameters as rbp
from chipshock.data import curated
from chipshock.data.build import load
from chipshock.params import read_params_file
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter
from chipshock.tables import audit_html

SMALL = rbp.PARAMS.resolve(read_params_file(REPO / "params/robustness-small.yml"))


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    project = Project(REPO)
    return {"commits": load(project, "commits"), "repos": load(project, "repositories"),
            "releases": curated.model_releases(project), "events": curated.policy_events(project)}


def test_grid_is_the_product_of_the_choices() -> None:
    assert len(rb.grid(rbp.PARAMS.defaults())) == 3 * 2 * 3 * 2 * 2 * 3 * 2 * 3
    assert len(rb.grid(SMALL)) == 2 * 2 * 2
    assert list(rb.grid(SMALL).columns) == list(rb.DIMENSIONS)


def test_spec_params_map_a_row_to_the_developers_parameters() -> None:
    row = rb.grid(SMALL).iloc[-1].to_dict()
    p = rb.spec_params(dvp.PARAMS.defaults(), row)
    assert p["repo_groups"] == ["A", "B", "C"] and len(p["shocks"]) in (2, 4)
    dvp.PARAMS.resolve({k: v for k, v in p.items() if k in dvp.PARAMS.names()})


def test_curve_is_deterministic_and_parallel_equals_serial(data: dict) -> None:
    args = (data["commits"], data["repos"], data["releases"])
    serial = rb.specification_curve(*args, SMALL)
    parallel = rb.specification_curve(*args, {**SMALL, "workers": 2})
    pd.testing.assert_frame_equal(serial, parallel)
    assert len(serial) == 8 and serial["t"].is_monotonic_increasing
    shares = rb.share_by_choice(serial, ["geo_proxy", "estimator"])
    assert shares.loc[("estimator", "ppml"), "specifications"] == 4


def test_placebo_dates_avoid_shocks_and_events_and_follow_the_seed(data: dict) -> None:
    dates = rb.placebo_dates(SMALL, 26, data["events"])
    again = rb.placebo_dates(SMALL, 26, data["events"])
    other = rb.placebo_dates({**SMALL, "seed": 1}, 26, data["events"])
    assert dates == again and dates != other and len(dates) == 20
    shocks = pd.to_datetime(list(rb.PAPER_SHOCKS))
    assert all(abs((shocks - d).days).min() > 26 * 7 for d in dates)
    assert all(d.weekday() == 0 for d in dates)


def test_placebo_rank_counts_the_real_estimate() -> None:
    placebo = pd.DataFrame({"t": [0.5, -1.0, 2.0, 3.0, float("nan")]})
    real = pd.DataFrame({"date": ["a", "b"], "t": [2.5, -0.1]})
    ranks = rb.placebo_ranks(real, placebo)
    assert ranks["placebo_p"].tolist() == [pytest.approx(2 / 5), pytest.approx(5 / 5)]


def test_leave_one_out_drops_each_repository_once(data: dict) -> None:
    base = dvp.PARAMS.resolve({"repo_groups": "A"})
    panel = dv.make_panel(dv.classified_commits(data["commits"], data["repos"], base), data["releases"], base)
    loo = rb.leave_one_out(panel, data["repos"], base, "repo")
    assert loo["left_out"].is_unique and loo["coef"].notna().all()
    logo = rb.leave_one_out(dv.make_panel(dv.classified_commits(data["commits"], data["repos"],
                                                                 dvp.PARAMS.defaults()),
                                          data["releases"], dvp.PARAMS.defaults()),
                            data["repos"], dvp.PARAMS.defaults(), "group")
    assert logo["left_out"].tolist() == ["A", "B", "C"]


def test_reader_tables_use_words_and_pass_the_house_rules() -> None:
    curve = pd.DataFrame({"geo_proxy": ["tz", "hour", "tz", "hour"], "estimator": ["ppml"] * 4,
                          "positive_significant": [True, False, False, False],
                          "negative_significant": [False, False, False, True]})
    shares = rb.by_choice_table(curve, ["geo_proxy"])
    assert shares.frame["choice"].tolist() == ["geography proxy"] * 2
    assert shares.frame["value"].tolist() == ["clock hour", "time-zone offset"]
    assert "50.0%" in shares.html and "tz" not in shares.frame.to_string()
    real = pd.DataFrame({"date": pd.to_datetime(["2022-08-09"]), "coef": [1.234567], "se": [0.5],
                         "t": [2.469134], "placebo_p": [0.00004]})
    logo = pd.DataFrame({"left_out": ["A", "C"], "coef": [-0.6754203, 0.7656], "se": [1.26, 1.44],
                         "p": [1.5e-7, 0.598], "ci_low": [-3.2, -2.1], "ci_high": [1.86, 3.65]})
    placebo, groups = rb.placebo_table(real), rb.leave_group_out_table(logo)
    assert "&lt;0.001" in placebo.html and "1.23" in placebo.html and "2022-08-09" in placebo.html
    assert groups.frame["left_out"].tolist() == ["without China-origin repositories",
                                                 "without shared infrastructure"]
    assert "&lt;0.001" in groups.html and "−0.675" in groups.html
    for table in (shares, placebo, groups):
        assert audit_html(table.html) == [], table.id


@pytest.mark.slow
def test_robustness_executes_with_the_small_grid_and_is_reproducible(project: Project) -> None:
    chapter = get_chapter("robustness")
    plain = chapter.params.to_plain(SMALL)
    out = project.root / chapter.executed
    execute(project, chapter, plain, out)
    first = glued(out)
    execute(project, chapter, plain, out, force=True)
    second = glued(out)
    numbers = {k: v for k, v in first.items() if isinstance(v, (int, float))}
    assert numbers == {k: second[k] for k in numbers}
    assert first["n_specs"] == 8 and first["n_placebo_dates"] == 20
