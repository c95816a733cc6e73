"""The clean-counts rule on a constructed commit frame."""

from __future__ import annotations

import pandas as pd
import pytest

from chipshock.measures import commit_copies as CC

T0 = pd.Timestamp("2023-05-01 10:00:00", tz="UTC")
T1 = pd.Timestamp("2023-05-01 10:00:01", tz="UTC")


def frame(with_ctime: bool = True) -> pd.DataFrame:
    rows = [
        # sha, repo, author, author time, reach, committer time
        ("a1", "r", "x", T0, "pr", "2023-05-02"),        # group A: three copies, default kept
        ("a2", "r", "x", T0, "default", "2023-05-09"),
        ("a3", "r", "x", T0, "branch", "2023-05-01"),
        ("b1", "r", "y", T0, "branch", "2023-05-05"),    # group B: no default; earliest commit time
        ("b2", "r", "y", T0, "pr", "2023-05-03"),
        ("c2", "r", "z", T1, "pr", "2023-05-03"),        # group C: everything tied but sha
        ("c1", "r", "z", T1, "pr", "2023-05-03"),
        ("d1", "s", "x", T0, "pr", "2023-05-03"),        # other repo: not a copy of group A
        ("e1", "r", "x", T1, "pr", "2023-05-03"),        # other second: not a copy
        ("f1", "r", None, T0, "pr", "2023-05-03"),       # no author id: never a copy
        ("f2", "r", None, T0, "pr", "2023-05-03"),
        ("g1", "r", "w", T0, "default", "2023-06-01"),   # two default copies: earliest commit time
        ("g2", "r", "w", T0, "default", "2023-05-20"),
    ]
    out = pd.DataFrame(rows, columns=["sha", "repo", "author_id", "author_time_utc", "reach",
                                      "committer_time_utc"])
    out["is_default"] = out["reach"] == "default"
    out["committer_time_utc"] = pd.to_datetime(out["committer_time_utc"], utc=True)
    out.index = range(100, 100 + len(out))  # a non-default index survives
    return out if with_ctime else out.drop(columns="committer_time_utc")


def test_kept_copies_follow_the_rule() -> None:
    kept, share = CC.clean_counts(frame())
    assert kept["sha"].tolist() == ["a2", "b2", "c1", "d1", "e1", "f1", "f2", "g2"]
    assert share == pytest.approx(5 / 13)


def test_without_committer_time_branch_beats_pull_request() -> None:
    kept, share = CC.clean_counts(frame(with_ctime=False))
    assert "b1" in kept["sha"].tolist() and "b2" not in kept["sha"].tolist()
    assert "g1" in kept["sha"].tolist()  # tie between defaults: smallest sha
    assert share == pytest.approx(5 / 13)


def test_is_copy_keeps_the_index_and_order() -> None:
    f = frame()
    copies = CC.is_copy(f)
    assert copies.index.equals(f.index)
    assert f.loc[copies, "sha"].tolist() == ["a1", "a3", "b1", "c2", "g1"]
    kept, _ = CC.clean_counts(f)
    assert kept.index.is_monotonic_increasing


def test_one_copy_per_group_survives() -> None:
    kept, _ = CC.clean_counts(frame())
    complete = kept.dropna(subset=["author_id"])
    assert not complete.duplicated(list(CC.KEY)).any()


def test_summary_by_reach() -> None:
    table = CC.copy_summary(frame(), "reach")
    assert table.loc["pr", "commits"] == 8 and table.loc["pr", "copies"] == 2   # a1, c2
    assert table.loc["branch", "copies"] == 2                                   # a3, b1
    assert table.loc["default", "copies"] == 1                                  # g1
    assert table.loc["default", "share"] == pytest.approx(1 / 3)


def test_empty_frame() -> None:
    kept, share = CC.clean_counts(frame().iloc[:0])
    assert kept.empty and share == 0.0
