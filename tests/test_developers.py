"""Geography classifiers, commit panels and the developers chapter's pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers import parameters as dvp
from chipshock.measures import geography as geo
from chipshock.measures import panels, vocabulary

T = pd.Timestamp


def commits(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {
        "repo": ["o/r"] * n, "sha": [f"{i:040x}" for i in range(n)], "reach": ["default"] * n,
        "author_time_utc": pd.to_datetime(["2023-01-02 03:00"] * n, utc=True),
        "author_tz_min": [480] * n, "author_id": [f"a{i}" for i in range(n)],
        "author_domain_class": ["other"] * n, "is_bot": [False] * n, "is_merge": [False] * n,
        "committer_webflow": [False] * n, "is_default": [True] * n,
        "pr_number": pd.array([pd.NA] * n, dtype="Int32"), "pr_head": pd.array([pd.NA] * n, dtype="Int32"),
        "subject_kind": [None] * n,
    }
    base.update(cols)
    return pd.DataFrame(base)


@pytest.mark.parametrize(("tz", "region"), [(480, "CN"), (-240, "US"), (-420, "US"), (-600, "US"),
                                             (-180, "other"), (60, "other"), (0, "unknown"), (540, "other")])
def test_time_zone_regions(tz: int, region: str) -> None:
    assert geo.by_tz(pd.Series([tz]))[0] == region


def test_china_linked_email_resolves_only_utc_commits() -> None:
    tz = pd.Series([0, 0, 0, -420])
    dom = pd.Series(["cn_edu", "webmail", "cn_webmail", "cn_company"])
    assert geo.by_tz_email(tz, dom).tolist() == ["CN", "unknown", "CN", "US"]


def test_hour_rule_and_its_cutoff() -> None:
    times = pd.Series(pd.to_datetime(["2023-01-01 16:59", "2023-01-01 17:00", "2023-01-01 00:10"], utc=True))
    assert geo.by_hour(times).tolist() == ["CN", "US", "CN"]
    assert geo.by_hour(times, cutoff=12).tolist() == ["US", "US", "CN"]


def test_author_majority_ignores_unknown_and_breaks_ties_to_unknown() -> None:
    regions = np.array(["CN", "CN", "US", "unknown", "US", "CN", "unknown"])
    authors = pd.Series(["a", "a", "a", "a", "b", "b", "c"])
    assert geo.author_majority(regions, authors).tolist() == ["CN"] * 4 + ["unknown"] * 2 + ["unknown"]


def test_classify_every_proxy() -> None:
    c = commits(author_tz_min=[480, 0, -300], author_domain_class=["other", "cn_edu", "us_edu"],
                author_id=["a", "a", "b"],
                author_time_utc=pd.to_datetime(["2023-01-02 03:00", "2023-01-02 20:00", "2023-01-02 15:00"],
                                               utc=True))
    assert geo.classify(c, "tz").tolist() == ["CN", "unknown", "US"]
    assert geo.classify(c, "tz_email").tolist() == ["CN", "CN", "US"]
    assert geo.classify(c, "hour").tolist() == ["CN", "US", "CN"]
    assert geo.classify(c, "tz_author").tolist() == ["CN", "CN", "US"]
    assert geo.classify(c, "hour_author").tolist() == ["unknown", "unknown", "CN"]
    with pytest.raises(ValueError, match="unknown geography proxy"):
        geo.classify(c, "ip")


def test_hour_rule_accuracy_is_exact_on_a_toy_sample() -> None:
    hours = np.array([2, 3, 18, 20, 10])
    truth = np.array(["CN", "CN", "US", "US", "other"])
    acc = geo.hour_rule_accuracy(hours, truth).set_index("cutoff")
    assert acc.loc[17, "accuracy"] == 1.0 and acc.loc[3, "cn_recall"] == 0.5
    assert acc.loc[19, "us_recall"] == 0.5


def test_squash_copies_are_dropped_only_when_the_pr_commits_exist() -> None:
    c = commits(
        reach=["default", "default", "pr"],
        committer_webflow=[True, True, False],
        subject_kind=["pr_suffix", "pr_suffix", None],
        pr_number=pd.array([12, 13, pd.NA], dtype="Int32"),
        pr_head=pd.array([pd.NA, pd.NA, 12], dtype="Int32"),
        is_default=[True, True, False],
    )
    work = panels.select_commits(c, "work")
    assert work["sha"].tolist() == [c["sha"][1], c["sha"][2]]
    assert panels.select_commits(c, "merged")["sha"].tolist() == c["sha"][:2].tolist()


def test_bots_and_merges_are_never_counted() -> None:
    c = commits(is_bot=[True, False, False], is_merge=[False, True, False])
    for unit in vocabulary.UNITS:
        assert len(panels.select_commits(c, unit)) == 1


def test_panel_keeps_zero_cells_and_counts_new_authors() -> None:
    times = pd.to_datetime(["2023-01-02 10:00", "2023-01-03 10:00", "2023-01-17 10:00"], utc=True)
    c = commits(author_time_utc=times, author_id=["a", "a", "a"]).assign(region=["CN", "CN", "US"])
    panel = panels.build_panel(c, "week", ("CN", "US"))
    assert len(panel) == 3 * 2  # three weeks (one empty) x two regions
    cn = panel[panel["region"] == "CN"].set_index("period")
    assert cn["commits"].tolist() == [2, 0, 0] and cn["active_authors"].tolist() == [1, 0, 0]
    assert cn["new_authors"].tolist() == [1, 0, 0]
    us = panel[panel["region"] == "US"].set_index("period")
    assert us.loc[T("2023-01-16"), "commits"] == 1 and us["new_authors"].sum() == 0


def test_month_periods_start_on_the_first() -> None:
    start = panels.period_start(pd.Series(pd.to_datetime(["2023-02-28 23:59"], utc=True)), "month")
    assert start.iloc[0] == T("2023-02-01")


def test_a_shock_without_history_is_not_estimable() -> None:
    periods = pd.date_range("2023-01-02", periods=20, freq="W-MON")
    panel = pd.DataFrame([{"repo": f"r{i}", "period": t, "region": g, "commits": 100}
                          for i in range(6) for t in periods for g in ("CN", "US")])
    p = dvp.PARAMS.resolve({"shocks": "2023-02-06,2023-04-10", "window_weeks": "4", "min_pre_periods": "8"})
    ident = dv.identification(panel, dv.settings(p), p)
    assert ident["estimable"].tolist() == [False, True]
    assert "eligible repositories" in ident.loc["2023-02-06", "why not"]
    with pytest.raises(dv.NoEstimableShock, match="lower 'min_repos'"):
        raise dv.NoEstimableShock(ident.iloc[:1])
