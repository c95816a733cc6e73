"""The background chapter's computations, on the curated tables and on small frames."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from chipshock.chapters.background import analysis as bg
from chipshock.data import curated
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.errors import DataError
from chipshock.paths import Project

D = dt.date


def releases(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]),
        "origin": [r[1] for r in rows],
        "model": [f"m{i}" for i in range(len(rows))],
        "organization": ["org"] * len(rows),
    })


def test_curated_tables_load_and_match_the_paper_shocks(project: Project) -> None:
    events = curated.policy_events(project)
    shocks = events.loc[events["paper_shock"], "date"].dt.strftime("%Y-%m-%d").tolist()
    assert tuple(shocks) == PAPER_SHOCKS
    assert set(curated.model_releases(project)["origin"]) <= {"CN", "US", "FR"}


@pytest.mark.parametrize(
    ("table", "corrupt"),
    [
        (curated.POLICY_EVENTS, lambda s: s.replace(",supports,", ",loves,", 1)),
        (curated.POLICY_EVENTS, lambda s: s.replace("2017-07-20", "2017-17-20", 1)),
        (curated.MODEL_RELEASES, lambda s: s.replace(",CN,", ",XX,", 1)),
        (curated.MODEL_RELEASES, lambda s: s[: len(s) // 2]),
    ],
)
def test_a_tampered_curated_table_is_a_clear_error(project: Project, table: str, corrupt) -> None:
    path = project.root / table
    path.write_text(corrupt(path.read_text()))
    loader = curated.policy_events if table == curated.POLICY_EVENTS else curated.model_releases
    with pytest.raises(DataError, match=rf"{re.escape(table)} does not match its schema.*git checkout"):
        loader(project)


def test_a_missing_curated_table_says_how_to_restore_it(project: Project) -> None:
    (project.root / curated.MODEL_RELEASES).unlink()
    with pytest.raises(DataError, match=r"is missing.*git checkout"):
        curated.model_releases(project)


def test_shock_intervals_cover_the_range_without_gaps() -> None:
    iv = bg.shock_intervals([D(2022, 10, 7), D(2022, 8, 9), D(2030, 1, 1)], D(2020, 1, 1), D(2023, 12, 31))
    assert iv["period"].tolist() == ["before 2022-08-09", "2022-08-09 to 2022-10-06", "from 2022-10-07"]
    assert iv["days"].sum() == (D(2023, 12, 31) - D(2020, 1, 1)).days + 1
    assert iv["first_day"].iloc[1] == D(2022, 8, 9) and iv["last_day"].iloc[1] == D(2022, 10, 6)


def test_releases_between_shocks_keeps_zeros_and_rates() -> None:
    rel = releases(("2022-01-01", "CN"), ("2022-10-07", "CN"), ("2023-01-01", "US"))
    iv = bg.shock_intervals([D(2022, 10, 7)], D(2022, 1, 1), D(2023, 12, 31))
    counts = bg.releases_between_shocks(rel, iv, ["CN", "US"])
    table = bg.period_counts(counts)
    assert table.loc["before 2022-10-07"].tolist() == [1, 0]
    assert table.loc["from 2022-10-07"].tolist() == [1, 1]
    first = counts.iloc[0]
    assert first["per_year"] == pytest.approx(1 / 279 * 365.25)


def test_stance_before_after_splits_on_the_day() -> None:
    ev = pd.DataFrame({
        "date": pd.to_datetime(["2022-10-06", "2022-10-07", "2023-01-01"]),
        "country": ["CN", "CN", "US"],
        "open_source_stance": ["supports", "supports", "mentions"],
    })
    table = bg.stance_before_after(ev, D(2022, 10, 7))
    assert table.loc[("CN", "supports")].tolist() == [1, 1]
    assert table.loc[("US", "mentions")].tolist() == [0, 1]
    assert table.loc[("US", "supports")].tolist() == [0, 0]


def test_release_comparison_words_follow_the_counts() -> None:
    rel = releases(("2023-01-01", "US"), ("2023-02-01", "US"), ("2023-03-01", "CN"), ("2025-01-01", "CN"))
    out = bg.release_comparison(rel, [D(2022, 10, 7), D(2024, 12, 2)], D(2025, 12, 31))
    assert "1 Chinese and 2 U.S." in out["between_sentence"] and "fewer" in out["between_sentence"]
    assert (out["cn_after"], out["us_after"], out["after_word"]) == (1, 0, "more Chinese than U.S. ones")
    assert "the list holds fewer Chinese than U.S. releases" in out["between_sentence"]
    assert "released" not in out["between_sentence"].split(":")[1].split("(")[0]
    single = bg.release_comparison(rel, [D(2022, 10, 7)], D(2025, 12, 31))
    assert "Only one shock" in single["between_sentence"]


@pytest.mark.parametrize(("cn", "us", "words"), [(3, 1, "more Chinese than U.S. releases"),
                                                 (1, 3, "fewer Chinese than U.S. releases"),
                                                 (2, 2, "as many Chinese as U.S. releases")])
def test_holds_reads_right_for_every_order(cn: int, us: int, words: str) -> None:
    assert bg.holds(cn, us) == words


def test_first_release_and_its_absence() -> None:
    rel = releases(("2023-05-01", "CN"), ("2023-03-01", "CN"))
    assert bg.first_release(rel, "CN") == {"model": "m1 (org)", "date": "2023-03-01"}
    assert bg.first_release(rel, "US")["model"] == "none in the range"


# --------------------------------------------------------------------------- the release list's coverage

def test_release_list_reaches_back_to_its_coverage_start_with_sources(project: Project) -> None:
    rel = curated.model_releases(project)
    bg.check_coverage(rel)
    assert rel["date"].min().date() >= bg.COVERAGE_START and rel["date"].min().year == bg.COVERAGE_START.year
    before = rel[rel["date"].dt.date < D(2022, 8, 9)]
    assert {"CN", "US"} <= set(before["origin"])  # the first period is no longer empty on either side
    assert before["source_url"].str.match(r"^https?://").all()
    for model in ("GPT-2", "GPT-J", "GPT-NeoX", "OPT", "BLOOM", "GLM-130B", "CPM", "PanGu", "ERNIE"):
        assert rel["model"].str.contains(model, regex=False).any(), model


def test_a_release_before_the_coverage_start_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="predate its coverage start"):
        bg.check_coverage(releases(("2018-06-01", "US")))


def test_rates_divide_by_covered_days_only() -> None:
    iv = bg.shock_intervals([D(2022, 1, 1)], D(2018, 1, 1), D(2022, 12, 31))
    counts = bg.releases_between_shocks(releases(("2021-06-01", "CN")), iv, ["CN"],
                                        coverage=D(2021, 1, 1))
    first = counts.iloc[0]
    assert first["covered_days"] == 365 and first["per_year"] == pytest.approx(365.25 / 365)
    assert bg.covered_days(D(2018, 1, 1), D(2018, 12, 31), D(2021, 1, 1)) == 0
    wholly_before = bg.releases_between_shocks(releases(), bg.shock_intervals(
        [D(2019, 1, 1)], D(2017, 1, 1), D(2020, 12, 31)), ["CN"], coverage=D(2019, 6, 1))
    assert pd.isna(wholly_before.iloc[0]["per_year"])


@pytest.mark.parametrize(("start", "shaded"), [(D(2016, 1, 1), True), (D(2021, 1, 1), False)])
def test_timeline_marks_the_coverage_start_only_when_the_range_reaches_before_it(
        start: dt.date, shaded: bool) -> None:
    rel = releases(("2023-03-01", "CN"))
    events = pd.DataFrame({"date": pd.to_datetime(["2022-10-07"]), "country": ["US"], "actor": ["BIS"],
                           "title": ["rule"], "kind": ["export_control"], "open_source_stance": ["none"],
                           "source_url": ["https://example.org"]})
    spec = bg.timeline_with_coverage(events, rel.assign(license="x", source_url="https://e.org"),
                                     [D(2022, 10, 7)], start).to_dict()
    text = str(spec)
    assert ("release list starts" in text) == shaded
    caveat = bg.coverage_caveat(start, rel)
    assert ("shaded" in caveat) == shaded and "floor" not in caveat  # no release before 2023 here
    early = bg.coverage_caveat(start, releases(("2021-03-01", "CN"), ("2023-03-01", "US")))
    assert "1 of the 2 in the range: 1 Chinese, 0 U.S." in early and "floor" in early


# --------------------------------------------------------------------------- the sections

def events(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime([r[0] for r in rows]),
                         "open_source_stance": [r[1] for r in rows]})


def test_timeline_takeaway_counts_support_before_and_compares_releases_after() -> None:
    from chipshock.chapters.background.sections import timeline_takeaway

    ev = events(("2021-01-01", "supports"), ("2021-06-01", "mentions"), ("2023-01-01", "supports"))
    rel = releases(("2021-03-01", "CN"), ("2023-03-01", "US"), ("2023-04-01", "US"))
    text = timeline_takeaway(ev, rel, D(2022, 8, 9))
    assert text.startswith("Before the first shock, 1 of the 2 policy events supports open source")
    assert "fewer Chinese than U.S. releases (0 and 2)" in text
    assert timeline_takeaway(ev.iloc[2:], rel, D(2022, 8, 9)).startswith("No policy event shown")


def test_release_bars_takeaway_counts_periods_where_china_leads() -> None:
    from chipshock.chapters.background.sections import release_bars_takeaway

    iv = bg.shock_intervals([D(2022, 10, 7)], D(2022, 1, 1), D(2023, 12, 31))
    rel = releases(("2022-03-01", "CN"), ("2023-03-01", "US"))
    counts = bg.releases_between_shocks(rel, iv, ["CN", "US"])
    assert release_bars_takeaway(counts) == ("The list holds more Chinese than U.S. releases per covered "
                                             "year in 1 of the 2 periods that the shocks cut.")
    cn_only = bg.releases_between_shocks(releases(("2022-03-01", "CN")), iv, ["CN"])
    assert "nothing to compare" in release_bars_takeaway(cn_only)


def test_sections_on_the_curated_tables(project: Project) -> None:
    from chipshock.chapters.background import sections as S
    from chipshock.chapters.background.parameters import PARAMS

    p = PARAMS.resolve({})
    t = S.tables(project, p)
    assert t.n_releases_all == len(curated.model_releases(project)) and t.first_shock == "2022-08-09"
    values = {**S.timeline(t, p).values(), **S.stance(t, p).values(), **S.releases(t, p).values()}
    assert set(S.STANCE_KEYS) <= set(values) and values["after_word"].endswith("U.S. ones")
    names = set(curated.model_releases(project)["model"])
    assert {"ChatGLM2-6B", "QwQ-32B-Preview", "DeepSeek-Coder (1.3B-33B)"} <= names


def test_timeline_takeaway_compares_only_when_both_origins_are_shown() -> None:
    from chipshock.chapters.background.sections import timeline_takeaway

    ev = events(("2021-01-01", "supports"))
    rel = releases(("2023-03-01", "CN"), ("2023-04-01", "CN"))
    assert "shows 2 releases of the origins chosen" in timeline_takeaway(ev, rel, D(2022, 8, 9), ("CN",))
