"""Clean counts: one commit per (repository, author, author time).

Rebases, cherry-picks, amended re-pushes and branches pushed again under a pull request give the
same change new commit hashes but keep its author and author date. Commits that share the
repository, `author_id` and `author_time_utc` of another commit are therefore copies of one
piece of work; counting every hash counts it several times (in the `work` unit, which reads all
refs). The rule keeps one row per such group:

1. the default-branch copy (`is_default`), the change as it landed;
2. otherwise the earliest by committer time (`committer_time_utc`, when the frame has it: the
   processed commit table does not, the raw extract does), the first time it was written down;
3. ties, or no committer time: branch before pull-request ref (`reach`), then the smallest sha, so
   the choice is deterministic.

Rows with a missing author id or author time are never treated as copies. Two genuinely different
commits by one author in the same second (scripted commits) would be merged by this rule; the
share of such cases is not measurable from these columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

KEY = ("repo", "author_id", "author_time_utc")
REACH_ORDER = {"default": 0, "branch": 1, "pr": 2}


def _preference(commits: pd.DataFrame) -> pd.DataFrame:
    """Sort keys, best copy first: default branch, committer time, reach, sha."""
    keys = pd.DataFrame(index=commits.index)
    default = commits["is_default"] if "is_default" in commits else pd.Series(False, index=commits.index)
    keys["_not_default"] = ~default.fillna(False).astype(bool)
    if "committer_time_utc" in commits:
        keys["_ctime"] = pd.to_datetime(commits["committer_time_utc"], utc=True)
    if "reach" in commits:
        keys["_reach"] = commits["reach"].map(REACH_ORDER).fillna(len(REACH_ORDER))
    keys["_sha"] = commits["sha"].astype(str) if "sha" in commits else np.arange(len(commits))
    return keys


def is_copy(commits: pd.DataFrame, key: Sequence[str] = KEY) -> pd.Series:
    """True for the rows the rule drops: copies of a commit kept elsewhere in the frame."""
    complete = commits[list(key)].notna().all(axis=1)
    shared = commits.duplicated(list(key), keep=False) & complete  # only these can be copies
    sub = commits[shared]
    prefs = _preference(sub)
    order = prefs.sort_values(list(prefs.columns), kind="stable").index
    dup = sub.loc[order, list(key)].duplicated(list(key), keep="first")
    return (dup.reindex(commits.index, fill_value=False).astype(bool) & complete).rename("is_copy")


def clean_counts(commits: pd.DataFrame, key: Sequence[str] = KEY) -> tuple[pd.DataFrame, float]:
    """The frame without copies, and the share of its rows that were copies."""
    copies = is_copy(commits, key)
    share = float(copies.mean()) if len(commits) else 0.0
    return commits[~copies], share


def copy_summary(commits: pd.DataFrame, by: str = "reach", key: Sequence[str] = KEY) -> pd.DataFrame:
    """Rows, copies and copy share by a column (e.g. reach, group or region)."""
    copies = is_copy(commits, key)
    out = pd.DataFrame({by: commits[by].to_numpy(), "copy": copies.to_numpy()}).groupby(by)["copy"].agg(
        commits="size", copies="sum")
    out["share"] = out["copies"] / out["commits"]
    return out
