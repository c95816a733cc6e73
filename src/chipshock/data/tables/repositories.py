"""repositories: the 82 repositories of the commit panel, with their span and commit count."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import UTC_SECONDS, col
from chipshock.errors import DataError

NAME = "repositories"
RAW = ("commits/repos.csv",)
DESCRIPTION = "the repositories of the commit panel: origin group, kind, first/last commit, commit count"

SCHEMA = pa.DataFrameSchema(
    {
        "repo": col(str, unique=True),
        "group": col(str, pa.Check.isin(["A", "B", "C"])),
        "kind": col(str, pa.Check.isin(["model", "tooling"])),
        "origin_note": col(str),
        "first_commit": col(UTC_SECONDS),
        "last_commit": col(UTC_SECONDS),
        "n_commits": col("int64", pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    repos = pd.read_csv(raw[RAW[0]], dtype=str, keep_default_na=False)
    commits = built["commits"]
    stats = commits.groupby("repo", sort=True)["author_time_utc"].agg(["min", "max", "size"])
    stats.columns = ["first_commit", "last_commit", "n_commits"]
    out = repos[["repo", "group", "kind", "origin_note"]].merge(
        stats, left_on="repo", right_index=True, how="left"
    )
    missing = out.loc[out["n_commits"].isna(), "repo"].tolist()
    if missing:
        raise DataError(f"commits/repos.csv lists repos with no commits: {missing[:5]}")
    expected = pd.to_numeric(repos.set_index("repo")["n_commits"])
    if not (out.set_index("repo")["n_commits"] == expected).all():
        raise DataError("commits/repos.csv n_commits disagrees with commits.csv.gz; fetch both again")
    out["n_commits"] = out["n_commits"].astype("int64")
    return out.sort_values("repo", kind="stable")


def coverage(df: pd.DataFrame) -> str:
    groups = df["group"].value_counts().sort_index()
    return "; ".join(f"group {g}: {n}" for g, n in groups.items())
