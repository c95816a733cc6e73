"""Holiday weeks from the `holidays` calendars, checked against known dates, and as DiD controls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.econometrics import did as D
from chipshock.econometrics import regions as R
from chipshock.measures import calendar_weeks as C
from chipshock.measures import panels as P

DESIGN = D.Design(outcome="commits", freq="W")


def weeks_of(country: str, year: int, weekdays_only: bool = True) -> pd.DataFrame:
    return C.holiday_weeks(country, [year], weekdays_only).set_index("week")


def test_known_china_weeks() -> None:
    cn = weeks_of("CN", 2022)
    golden = cn.loc[pd.Timestamp("2022-10-03")]
    assert golden["days"] == 5 and "National Day" in golden["names"]
    assert "Spring Festival" in cn.loc[pd.Timestamp("2022-01-31"), "names"]
    assert "Spring Festival" in weeks_of("CN", 2023).loc[pd.Timestamp("2023-01-23"), "names"]
    assert pd.Timestamp("2022-11-21") not in cn.index


def test_known_us_weeks() -> None:
    us = weeks_of("US", 2022)
    assert "Thanksgiving" in us.loc[pd.Timestamp("2022-11-21"), "names"]
    assert "Independence Day" in us.loc[pd.Timestamp("2022-07-04"), "names"]
    assert pd.Timestamp("2022-10-03") not in us.index


def test_weekend_holidays_count_only_when_asked() -> None:
    # 1-2 October 2022 (National Day) fell on a Saturday and Sunday, in the week of 26 September
    assert pd.Timestamp("2022-09-26") not in weeks_of("CN", 2022).index
    assert pd.Timestamp("2022-09-26") in weeks_of("CN", 2022, weekdays_only=False).index


def test_week_start_is_the_panel_monday() -> None:
    starts = P.week_start(pd.Series(pd.to_datetime(["2022-11-24", "2022-10-03", "2022-10-09"])))
    assert starts.tolist() == list(pd.to_datetime(["2022-11-21", "2022-10-03", "2022-10-03"]))
    assert (D.period_index(starts, "W") == D.period_index(pd.Series(pd.to_datetime(
        ["2022-11-21", "2022-10-03", "2022-10-03"])), "W")).all()


def test_indicators_are_region_specific() -> None:
    frame = pd.DataFrame({"repo": "r", "period": pd.to_datetime(["2022-10-03"] * 2 + ["2022-11-21"] * 2),
                          "region": ["CN", "US", "CN", "US"], "commits": 1})
    out, cols = C.add_holiday_indicators(frame, DESIGN)
    assert cols == ["holiday_CN", "holiday_US"]
    assert out["holiday_CN"].tolist() == [1, 0, 0, 0]
    assert out["holiday_US"].tolist() == [0, 0, 0, 1]
    assert "holiday_CN" not in frame.columns
    none, cols = C.add_holiday_indicators(frame.assign(period=pd.Timestamp("2022-11-28")), DESIGN)
    assert cols == [] and "holiday_US" not in none.columns


def test_holiday_control_removes_a_golden_week_bias() -> None:
    """CN activity drops by 3 in Chinese holiday weeks, with no shock effect: the control recovers 0."""
    rng = np.random.default_rng(0)
    weeks = pd.date_range("2022-01-03", "2023-06-26", freq="W-MON")
    grid = pd.MultiIndex.from_product([[f"r{i}" for i in range(30)], weeks, ["CN", "US"]],
                                      names=["repo", "period", "region"]).to_frame(index=False)
    cn_weeks = set(C.holiday_weeks("CN", [2022, 2023])["week"])
    dip = (grid["region"] == "CN") & grid["period"].isin(cn_weeks)
    grid["commits"] = 10 + rng.normal(0, 0.1, len(grid)) - 3.0 * dip
    shock = [pd.Timestamp("2022-10-07")]  # its week is Golden Week
    stacked = R.stack_pair(grid, shock, 2, DESIGN, "CN", "US")  # 19 Sep - 10 Oct: holiday week only after
    plain = D.did(stacked, DESIGN, "ols_level").coef[0]
    assert plain < -0.5
    # Only China's calendar: with two weeks a side, CN x {3 Oct} and US x {10 Oct, Columbus Day}
    # would add up to treat_post.
    data, cols = C.add_holiday_indicators(stacked, DESIGN, regions={"CN": "CN"})
    fit = R.fit_terms(data, DESIGN, ["treat_post", *cols], "ols_level")
    table = fit.table()
    assert table.loc["treat_post", "coef"] == pytest.approx(0.0, abs=0.02)
    assert table.loc["holiday_CN", "coef"] == pytest.approx(-3.0, abs=0.02)
    assert cols == ["holiday_CN"]


def test_holiday_table_around_a_shock() -> None:
    table = C.holiday_table([pd.Timestamp("2022-10-07")], window=8)
    cn = table[table["country"] == "CN"].set_index("week")
    assert cn.loc[pd.Timestamp("2022-10-03"), "rel"] == 0
    assert cn.loc[pd.Timestamp("2022-10-03"), "side"] == "after"
    us = table[table["country"] == "US"].set_index("week")
    assert us.loc[pd.Timestamp("2022-11-21"), "rel"] == 7
    assert us.loc[pd.Timestamp("2022-09-05"), "side"] == "before"
    assert table["rel"].between(-8, 7).all()
    assert set(table["shock"]) == {"2022-10-07"}


def test_holiday_table_without_holidays_in_a_window() -> None:
    # 11 July - 29 August 2022: no weekday holiday in China or the U.S. (4 July, 5 September outside)
    assert C.holiday_table([pd.Timestamp("2022-08-09")], window=4).empty
    both = C.holiday_table([pd.Timestamp("2022-08-09"), pd.Timestamp("2022-10-07")], window=4)
    assert set(both["shock"]) == {"2022-10-07"} and both["week"].notna().all()


def test_monthly_panels_are_refused() -> None:
    with pytest.raises(ValueError, match="weekly"):
        C.add_holiday_indicators(pd.DataFrame({"period": [], "region": []}), D.Design(freq="M"))


def test_both_calendars_on_a_wider_window() -> None:
    rng = np.random.default_rng(1)
    weeks = pd.date_range("2022-01-03", "2023-06-26", freq="W-MON")
    grid = pd.MultiIndex.from_product([[f"r{i}" for i in range(30)], weeks, ["CN", "US"]],
                                      names=["repo", "period", "region"]).to_frame(index=False)
    cn_weeks = set(C.holiday_weeks("CN", [2022, 2023])["week"])
    dip = (grid["region"] == "CN") & grid["period"].isin(cn_weeks)
    grid["commits"] = 10 + rng.normal(0, 0.1, len(grid)) - 3.0 * dip + 0.7 * (grid["region"] == "CN") * (
        grid["period"] >= pd.Timestamp("2022-10-03"))
    stacked = R.stack_pair(grid, [pd.Timestamp("2022-10-07")], 8, DESIGN, "CN", "US")
    data, cols = C.add_holiday_indicators(stacked, DESIGN)
    assert cols == ["holiday_CN", "holiday_US"]
    table = R.fit_terms(data, DESIGN, ["treat_post", *cols], "ols_level").table()
    assert table.loc["treat_post", "coef"] == pytest.approx(0.7, abs=0.03)
    assert table.loc["holiday_CN", "coef"] == pytest.approx(-3.0, abs=0.03)
    assert table.loc["holiday_US", "coef"] == pytest.approx(0.0, abs=0.03)
