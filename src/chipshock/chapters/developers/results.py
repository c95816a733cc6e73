"""The developers chapter's section results: one frozen dataclass per section, fields = glue keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chipshock.keys import claim_keys
from chipshock.results import SectionResult, flat, internal

REGION_SHARE_KEYS = tuple(f"share_{r}" for r in ("CN", "US", "EU", "other", "unknown"))
VERDICT_KEYS = (*claim_keys(3).values(), *claim_keys(8).values())


@dataclass(frozen=True, kw_only=True)
class DataResult(SectionResult):
    source_note: str
    duplicate_share: float
    copies_word: str
    n_commits_all: int
    n_repos_all: int
    n_commits: int
    n_repos: int
    shares: dict = flat(REGION_SHARE_KEYS)
    unknown_first_shock: str = ""
    unknown_last_shock: str = ""
    unknown_share_first: float = 0.0
    unknown_share_last: float = 0.0
    unknown_trend_word: str = ""
    unknown_located_word: str = ""
    period_word: str = ""
    outcome_word: str = ""
    geo_proxy: str = ""
    geo_proxy_label: str = ""
    unit: str = ""
    unit_label: str = ""
    estimator_label: str = ""
    window_weeks: int = 0
    treated_word: str = ""
    control_word: str = ""
    trends: Any = None
    trends_takeaway: str = ""


@dataclass(frozen=True, kw_only=True)
class IdentResult(SectionResult):
    ident_table: Any
    n_shocks: int
    n_estimable: int
    n_pooled: int
    window_rule: str
    window_rule_label: str
    not_pooled_text: str
    ident: Any = internal()
    estimable: list = internal()


@dataclass(frozen=True, kw_only=True)
class EventsResult(SectionResult):
    shock_events: Any


@dataclass(frozen=True, kw_only=True)
class HolidayResult(SectionResult):
    holiday_table: Any
    holiday_word: str
    shock_in_golden_week: bool


@dataclass(frozen=True, kw_only=True)
class DidResult(SectionResult):
    did_table: Any
    did_all_estimators: Any
    pooled_label: str
    pooled_values: dict = flat(tuple(f"pooled_{k}" for k in (
        "coef", "se", "ci_low", "ci_high", "p", "pct", "mde", "mde_pct", "ci_high_pct", "pre_mean",
        "clusters", "abs", "direction", "relative", "significance")))
    mde_pooled: float = 0.0
    mde_pooled_pct: float = 0.0
    null_reading: str = ""
    control_pre_mean: float = 0.0
    n_estimators_positive: int = 0
    n_estimators_significant: int = 0
    n_shocks_holm_significant: int = 0
    holm_text: str = ""
    mde_shock_min_pct: float = 0.0
    mde_shock_max_pct: float = 0.0
    top_cn_repo: str = ""
    top_cn_share: float = 0.0
    twoway_pooled_p: float = 0.0
    tost_pooled_p: float = 0.0
    smallest_effect: float = 0.0
    smallest_effect_share: float = 0.0
    tost_text: str = ""
    tables: dict = internal()
    head: Any = internal()
    key: str = internal()
    pool: list = internal()


@dataclass(frozen=True, kw_only=True)
class EstimandResult(SectionResult):
    weights_table: Any
    weights_text: str
    clean_control_text: str
    clean_control_coef: float
    clean_control_p: float
    balanced_repos: int
    balanced_coef: float
    balanced_p: float
    unknown_bounds_low: float
    unknown_bounds_high: float
    unknown_to_treated: float
    unknown_to_control: float


@dataclass(frozen=True, kw_only=True)
class RulesResult(SectionResult):
    window_rules: Any
    overlap_coef: float


@dataclass(frozen=True, kw_only=True)
class ReleaseResult(SectionResult):
    release_table: Any
    release_weeks_shown: int
    release_text: str


@dataclass(frozen=True, kw_only=True)
class PlaceboResult(SectionResult):
    placebo_available: str
    placebo_table: Any
    placebo_estimators: Any
    n_estimators_triple_significant: int
    n_estimators_eu_us_positive: int
    placebo_sentence: str
    scales_sentence: str
    numbers: dict = flat(("cn_us_coef", "cn_us_p", "placebo_eu_us_coef", "placebo_eu_us_p",
                          "placebo_eu_us_pct", "cn_eu_coef", "cn_eu_p", "triple_coef", "triple_se",
                          "triple_p", "triple_ci_low", "triple_ci_high"))
    eu_us_tost_p: float = 0.0
    side_code: str = ""
    side_text: str = ""
    eu_ok: bool = internal(False)
    pairs: Any = internal(None)
    triple: Any = internal(None)
    triples: dict = internal(None)


@dataclass(frozen=True, kw_only=True)
class OwnResult(SectionResult):
    before_after_table: Any
    ba_cn: float
    ba_us: float
    ba_cn_pct: float
    ba_us_pct: float
    ba_cn_base: float
    ba_us_base: float
    ba_eu_pct: float
    ba_eu_text: str
    ba_compare_text: str
    paper_cn: float
    paper_us: float
    paper_agreement: str
    ba_level_word: str


@dataclass(frozen=True, kw_only=True)
class EventStudyResult(SectionResult):
    bin_word: str
    event_study: Any
    event_study_takeaway: str
    pretrend_table: Any
    honest_table: Any
    n_pretrend_rejected: int
    pretrend_text: str
    honest_breakdown_m: float
    honest_post_average: float
    honest_words: str
    honest_label: str
    honest_adds_text: str
    pooled_clean_pretrend_coef: float
    pooled_clean_pretrend_p: float
    triple_clean_pretrend_coef: float
    triple_clean_pretrend_p: float
    clean_pretrend_left_out: str
    clean_pretrend_shocks: str
    eu_event_study: Any
    eu_event_study_takeaway: str
    triple_event_study: Any
    triple_event_study_takeaway: str
    summary: Any = internal()
    clean_row: Any = internal(None)


@dataclass(frozen=True, kw_only=True)
class SignFlipResult(SectionResult):
    ri_table: Any
    ri_pooled_p: float
    ri_pooled_mc_se: float
    ri_exact_text: str
    ri_draws: int
    ri_estimator: str
    ri_dates_drawn: int
    ri_dates_qualified: int
    ri_dates_overlap: int
    ri_dates_band: int
    ri_dates_text: str
    placebo_sets_qualified: int
    placebo_sets_overlapping_real: int
    sign_flip_assumptions: str


@dataclass(frozen=True, kw_only=True)
class HeteroResult(SectionResult):
    hetero_table: Any
    hetero_min_clusters: int
    n_hetero_holm_significant: int


@dataclass(frozen=True, kw_only=True)
class ClockResult(SectionResult):
    confusion: Any
    clock_accuracy: float
    clock_cn_recall: float
    clock_us_recall: float
    clock_us_as_cn: float
    clock_precision_cn: float
    clock_balanced_paper: float
    clock_called_cn_share: float
    clock_fp_eu_share: float
    clock_fp_us_share: float
    paper_cutoff: int
    best_cutoff: int
    best_balanced: float
    hour_cutoff: int
    squash_share: float
    other_as_cn: float
    hour_profile: Any
    hour_profile_takeaway: str
    clock_base_rate_cn: float
    clock_lift: float
    clock_precision_two_region: float
    scores: dict = internal()
    known: int = internal(0)
    precision_with_utc: float = internal(0.0)
    best_scores: dict = internal(None)


@dataclass(frozen=True, kw_only=True)
class ClockBaseResult(SectionResult):
    clock_global_share: float
    clock_global_days: int
    cited_cn_dev_share: float
    cited_utc8_dev_share: float
    cited_us_dev_share: float
    cited_period: str
    clock_global_word: str
    clock_global_multiple: float
    clock_base_verdict: str
    clock_uniform_share: float
    clock_benchmarks_text: str


@dataclass(frozen=True, kw_only=True)
class ProxyResult(SectionResult):
    proxy_table: Any
    clock_coef_tz: float
    clock_coef_hour: float
    clock_pct_tz: float
    clock_pct_hour: float


@dataclass(frozen=True, kw_only=True)
class VerdictResult(SectionResult):
    verdicts: dict = flat(VERDICT_KEYS)
