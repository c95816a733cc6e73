"""Chapter `diffusion`, section by section: each function computes one section of the page and
returns its frozen result (the glue keys are its field names).

The computations are in the modules beneath: `hubs` (Hugging Face and ModelScope crawls),
`github` (the GitHub top lists and the repository-level difference-in-differences), `epoch`
(Epoch AI's model database); the rule of claim 4 is in `chipshock.claims.diffusion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipshock import claims as C
from chipshock.chapters.diffusion import epoch as ep
from chipshock.chapters.diffusion import github as gh
from chipshock.chapters.diffusion import hubs
from chipshock.chapters.diffusion.parameters import (
    GITHUB_FIRST,
    HUB_METRICS,
    OWNER_ORIGINS,
    REPO_KINDS,
    REPO_PANELS,
)
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.numbers import interval, p_value, percent, points
from chipshock.results import SectionResult, flat, internal
from chipshock.tables import Col, format_table
from chipshock.wording import (
    ALPHA,
    compare,
    count_of,
    direction,
    is_significant,
    significance,
    tested_change,
    trend,
)

PANEL_NAMES = ("balanced panel", "full panel")


def trend_text(t: dict) -> str:
    """'+7.4 percentage points a year (95% interval −5.9 to +20.7 points, p = 0.241)'."""
    return (
        f"{points(t['slope'])} a year ({interval(100 * t['ci_low'], 100 * t['ci_high'], 1)} points, "
        f"{p_value(t['p'])})"
    )


def _panel_name(balanced: bool) -> str:
    return PANEL_NAMES[0] if balanced else PANEL_NAMES[1]


# --------------------------------------------------------------------------- Hugging Face coverage


@dataclass(frozen=True, kw_only=True)
class Coverage(SectionResult):
    hf_coverage: Any
    first_crawl: str
    last_crawl: str
    n_crawls: int
    accounts_first: int
    accounts_last: int
    models_first: int
    models_last: int
    bal_accounts: int
    bal_models: int
    bal_models_last: int
    metric_word: str
    panel_word: str
    other_panel_word: str
    deepseek_in_balanced: str
    deepseek_first_crawl: str
    late_accounts: str
    full: pd.DataFrame = internal()
    bal: pd.DataFrame = internal()
    head: pd.DataFrame = internal()


def coverage_section(hf: pd.DataFrame, p: Any) -> Coverage:
    """Hugging Face accounts and models per crawl, full and balanced, and who joins late."""
    start, end, col = p["start_date"], p["end_date"], HUB_METRICS[p["metric"]]
    full = hubs.hub_panel(hf, "HuggingFace", start, end, balanced=False)
    bal = hubs.hub_panel(hf, "HuggingFace", start, end, balanced=True)
    cov = hubs.coverage(hf, "HuggingFace", start, end)
    return Coverage(
        hf_coverage=format_table(cov, id="hf_coverage"),
        first_crawl=cov.index[0],
        last_crawl=cov.index[-1],
        n_crawls=len(cov),
        accounts_first=int(cov["accounts"].iloc[0]),
        accounts_last=int(cov["accounts"].iloc[-1]),
        models_first=int(cov["models"].iloc[0]),
        models_last=int(cov["models"].iloc[-1]),
        bal_accounts=int(cov["balanced_accounts"].iloc[0]),
        bal_models=int(cov["balanced_models"].iloc[0]),
        bal_models_last=int(cov["balanced_models"].iloc[-1]),
        metric_word=hubs.HUB_METRIC_WORDS[p["metric"]],
        panel_word="balanced" if p["balanced"] else "full",
        other_panel_word="full" if p["balanced"] else "balanced",
        deepseek_in_balanced="is" if (bal["account"] == "deepseek-ai").any() else "is not",
        deepseek_first_crawl=hubs.first_crawl_of(full, "deepseek-ai"),
        late_accounts=hubs.late_accounts(full, col),
        full=full,
        bal=bal,
        head=bal if p["balanced"] else full,
    )


# --------------------------------------------------------------------------- shares by publisher origin

CN_METRIC_KEYS = [f"cn_{name}_{end}" for name in HUB_METRICS for end in ("first", "last")]


@dataclass(frozen=True, kw_only=True)
class OriginShares(SectionResult):
    hub_chart: Any
    hub_chart_takeaway: str
    share_table: Any
    cn_share_first: float
    cn_share_last: float
    cn_share_max: float
    cn_share_max_crawl: str
    cn_share_min: float
    cn_share_min_crawl: str
    cn_share_word: str
    cn_share_trend_slope: float
    cn_share_trend_ci_low: float
    cn_share_trend_ci_high: float
    cn_share_trend_p: float
    cn_share_trend_text: str
    other_share_first: float
    other_share_last: float
    other_share_word: str
    other_share_trend_slope: float
    other_share_trend_ci_low: float
    other_share_trend_ci_high: float
    other_share_trend_text: str
    metric_share_table: Any
    strongest_metric: str
    cn_metrics: dict = flat(CN_METRIC_KEYS)
    tables: dict = internal()
    head_trend: dict = internal()


def share_trend_words(trend_: dict[str, float]) -> str:
    """The direction of a fitted share path, from its slope's interval."""
    return trend(trend_["ci_low"], trend_["ci_high"])


def hub_takeaway(head_share: pd.Series, word: str, panel: str) -> str:
    """The hub chart in one sentence: China's share in the last crawl and its path."""
    return (
        f"On the {panel}, Chinese publishers hold {percent(float(head_share.iloc[-1]))} of the measure in "
        f"the last crawl, and their share {word} over the crawls."
    )


def origin_section(cov: Coverage, releases: pd.DataFrame, p: Any) -> OriginShares:
    """The hub measure by publisher origin on both panels, China's share and its fitted path."""
    col = HUB_METRICS[p["metric"]]
    tables = {PANEL_NAMES[0]: hubs.by_origin(cov.bal, col), PANEL_NAMES[1]: hubs.by_origin(cov.full, col)}
    shares = pd.DataFrame({name: hubs.china_share(t) for name, t in tables.items()})
    head_share = shares[_panel_name(p["balanced"])]
    other_share = shares[_panel_name(not p["balanced"])]
    t, o = hubs.share_trend(head_share), hubs.share_trend(other_share)
    all_metrics = pd.DataFrame(
        {
            name: {
                "first crawl": float(hubs.china_share(hubs.by_origin(cov.head, c)).iloc[0]),
                "last crawl": float(hubs.china_share(hubs.by_origin(cov.head, c)).iloc[-1]),
            }
            for name, c in HUB_METRICS.items()
        }
    ).T
    word = share_trend_words(t)
    return OriginShares(
        hub_chart=hubs.hub_chart(tables, p["origins"], p["metric"], releases, p["shocks"]),
        hub_chart_takeaway=hub_takeaway(head_share, word, _panel_name(p["balanced"])),
        share_table=format_table(
            shares, {c: Col(f"Chinese share, {c} (%)", kind="share") for c in shares}, id="share_table"
        ),
        cn_share_first=float(head_share.iloc[0]),
        cn_share_last=float(head_share.iloc[-1]),
        cn_share_max=float(head_share.max()),
        cn_share_max_crawl=head_share.idxmax(),
        cn_share_min=float(head_share.min()),
        cn_share_min_crawl=head_share.idxmin(),
        cn_share_word=word,
        cn_share_trend_slope=t["slope"],
        cn_share_trend_ci_low=t["ci_low"],
        cn_share_trend_ci_high=t["ci_high"],
        cn_share_trend_p=t["p"],
        cn_share_trend_text=trend_text(t),
        other_share_first=float(other_share.iloc[0]),
        other_share_last=float(other_share.iloc[-1]),
        other_share_word=share_trend_words(o),
        other_share_trend_slope=o["slope"],
        other_share_trend_ci_low=o["ci_low"],
        other_share_trend_ci_high=o["ci_high"],
        other_share_trend_text=trend_text(o),
        metric_share_table=format_table(
            all_metrics,
            {c: Col(f"Chinese share, {c} (%)", kind="share") for c in all_metrics},
            id="metric_share_table",
        ),
        strongest_metric=str(all_metrics["last crawl"].idxmax()),
        cn_metrics={
            f"cn_{name}_{end}": float(all_metrics.loc[name, f"{end} crawl"])
            for name in HUB_METRICS
            for end in ("first", "last")
        },
        tables=tables,
        head_trend=t,
    )


# --------------------------------------------------------------------------- the leading families

FAMILY_KEYS = [f"fam_{name.lower()}_{end}" for name in hubs.HEADLINE_FAMILIES for end in ("first", "last")]


@dataclass(frozen=True, kw_only=True)
class Families(SectionResult):
    family_chart: Any
    family_chart_takeaway: str
    families_absent: str
    family_table: Any
    deepseek_full_max: float
    deepseek_full_max_crawl: str
    qwen_vs_llama_word: str
    qwen_full_last: float
    llama_full_last: float
    top_family: str
    no_family_share: float
    fam: dict = flat(FAMILY_KEYS)
    head_wide: pd.DataFrame = internal()


def family_takeaway(qwen: float, llama: float, panel: str) -> str:
    """The family chart in one sentence: Qwen against Llama in the last crawl."""
    word = compare(qwen, llama, "larger than", "smaller than", "the same as")
    return f"On the {panel}, Qwen's total in the last crawl is {word} Llama's."


def families_section(cov: Coverage, p: Any) -> Families:
    """Qwen, DeepSeek, Llama and Gemma per crawl on both panels, and every family in the last crawl."""
    col = HUB_METRICS[p["metric"]]
    fam = pd.concat(
        [
            hubs.by_family(cov.bal, col).assign(panel=PANEL_NAMES[0]),
            hubs.by_family(cov.full, col).assign(panel=PANEL_NAMES[1]),
        ],
        ignore_index=True,
    )
    drawn, absent = hubs.drawn_families(fam)
    totals = hubs.family_totals(cov.head, col, cov.head["crawl_date"].max())
    head_wide = fam[fam["panel"] == _panel_name(p["balanced"])].pivot(
        index="crawl_date", columns="family", values="value"
    )
    full_wide = fam[fam["panel"] == PANEL_NAMES[1]].pivot(
        index="crawl_date", columns="family", values="value"
    )
    named = totals[totals.index != "other"]
    qwen, llama = float(head_wide["Qwen"].iloc[-1]), float(head_wide["Llama"].iloc[-1])
    return Families(
        family_chart=hubs.family_chart(drawn, p["metric"]),
        family_chart_takeaway=family_takeaway(qwen, llama, _panel_name(p["balanced"])),
        families_absent=", ".join(absent) if absent else "none",
        family_table=format_table(totals.head(12), {"total": Col(kind="count")}, id="family_table"),
        deepseek_full_max=float(full_wide["DeepSeek"].max()),
        deepseek_full_max_crawl=full_wide["DeepSeek"].idxmax(),
        qwen_vs_llama_word=compare(qwen, llama, "larger than", "smaller than", "the same as"),
        qwen_full_last=float(full_wide["Qwen"].iloc[-1]),
        llama_full_last=float(full_wide["Llama"].iloc[-1]),
        top_family=named.index[0] if len(named) else "none",
        no_family_share=float(totals["share"].get("other", 0.0)),
        fam={
            f"fam_{name.lower()}_{end}": float(head_wide[name].iloc[0 if end == "first" else -1])
            for name in hubs.HEADLINE_FAMILIES
            for end in ("first", "last")
        },
        head_wide=head_wide,
    )


# --------------------------------------------------------------------------- LLM families: reach


@dataclass(frozen=True)
class Reach:
    """One specification's reach in the last observation: Chinese and U.S. publishers' totals and
    shares of the measure, and the trend of the Chinese share (per year)."""

    cn_reach: float
    us_reach: float
    cn_share: float
    us_share: float
    trend: dict

    @property
    def relative(self) -> float:
        return self.cn_reach / self.us_reach if self.us_reach else float("nan")


def reach(table: pd.DataFrame, period: str = "crawl_date") -> Reach:
    """Reach from a table of value and share per period and origin (`hubs.by_origin`,
    `github.monthly_flows`): the last period's, with the fitted trend of the Chinese share."""
    wide = table.pivot(index=period, columns="origin", values="value").fillna(0.0)
    shares = table.pivot(index=period, columns="origin", values="share").fillna(0.0)
    last = wide.iloc[-1]
    cn = shares["CN"] if "CN" in shares else pd.Series(0.0, index=shares.index)
    nan = float("nan")
    t = (
        hubs.share_trend(cn)
        if len(cn) >= 3
        else {"slope": nan, "se": nan, "p": nan, "ci_low": nan, "ci_high": nan, "n": len(cn)}
    )
    total = float(last.sum())
    return Reach(
        float(last.get("CN", 0.0)),
        float(last.get("US", 0.0)),
        float(last.get("CN", 0.0)) / total if total else 0.0,
        float(last.get("US", 0.0)) / total if total else 0.0,
        t,
    )


def window_reach(table: pd.DataFrame, months: int = 12) -> Reach:
    """Reach of a monthly flow table over its last `months` months (sums), with the monthly trend."""
    last = table[table["month"] >= table["month"].max() - pd.DateOffset(months=months - 1)]
    sums = last.groupby("origin")["value"].sum()
    total = float(sums.sum())
    shares = table.pivot(index="month", columns="origin", values="share").fillna(0.0)
    cn = shares["CN"] if "CN" in shares else pd.Series(0.0, index=shares.index)
    return Reach(
        float(sums.get("CN", 0.0)),
        float(sums.get("US", 0.0)),
        float(sums.get("CN", 0.0)) / total if total else 0.0,
        float(sums.get("US", 0.0)) / total if total else 0.0,
        hubs.share_trend(cn),
    )


HUB_SPECS = {
    "LLM families, account-balanced": "primary",
    "all models": "all models",
    "model-balanced panel": "model-balanced panel",
    "full panel": "full panel",
}


@dataclass(frozen=True, kw_only=True)
class LLMReach(SectionResult):
    hub_llm_cn_share: float
    hub_llm_us_share: float
    hub_llm_cn_reach: float
    hub_llm_us_reach: float
    hub_llm_relative: float
    hub_llm_relative_word: str
    hub_llm_trend_text: str
    hub_llm_no_family_share: float
    hub_llm_n_models: int
    hub_llm_families: str
    hub_all_cn_share: float
    hub_all_us_share: float
    hub_gemma_first: float
    hub_gemma_last: float
    specs: dict = internal()


def llm_section(cov: Coverage, p: Any) -> LLMReach:
    """The primary hub measure of claim 4: the models of named generative LLM families of the
    publishers present in every crawl, in absolute reach and relative to U.S. publishers, beside
    the alternatives (all models, the model-balanced panel, the full panel)."""
    col = HUB_METRICS[p["metric"]]
    panels = {
        "primary": hubs.llm_models(cov.bal),
        "all models": cov.bal,
        "model-balanced panel": hubs.llm_models(hubs.balance_models(cov.full)),
        "full panel": hubs.llm_models(cov.full),
    }
    specs = {name: reach(hubs.by_origin(panel, col)) for name, panel in panels.items()}
    r, every = specs["primary"], specs["all models"]
    last = cov.bal[cov.bal["crawl_date"] == cov.bal["crawl_date"].max()]
    llm_last = panels["primary"][panels["primary"]["crawl_date"] == cov.bal["crawl_date"].max()]
    gemma = hubs.by_family(cov.bal, col, ("Gemma",)).set_index("crawl_date")["value"]
    return LLMReach(
        hub_llm_cn_share=r.cn_share,
        hub_llm_us_share=r.us_share,
        hub_llm_cn_reach=r.cn_reach,
        hub_llm_us_reach=r.us_reach,
        hub_llm_relative=r.relative,
        hub_llm_relative_word=compare(r.cn_reach, r.us_reach, "more than", "less than", "as much as"),
        hub_llm_trend_text=trend_text(r.trend),
        hub_llm_no_family_share=1 - float(llm_last[col].sum()) / float(last[col].sum()),
        hub_llm_n_models=int(llm_last["model_id"].nunique()),
        hub_llm_families=", ".join(hubs.LLM_FAMILIES),
        hub_all_cn_share=every.cn_share,
        hub_all_us_share=every.us_share,
        hub_gemma_first=float(gemma.iloc[0]),
        hub_gemma_last=float(gemma.iloc[-1]),
        specs=specs,
    )


# --------------------------------------------------------------------------- ModelScope


@dataclass(frozen=True, kw_only=True)
class ModelScope(SectionResult):
    ms_chart: Any
    ms_chart_takeaway: str
    ms_family_table: Any
    ms_accounts_first: int
    ms_accounts_last: int
    ms_n_accounts: int
    ms_dips: int
    ms_pairs: int
    ms_qwen_share: float
    ms_deepseek_share_text: str
    ms_deepseek_in: str
    ms_top_account: str
    ms_top_account_share: float
    ms_total_last: float
    ms_qwen_last: float
    ms_hf_qwen_ratio: float
    ms_size_word: str


def modelscope_section(hf: pd.DataFrame, families: Families, p: Any) -> ModelScope:
    """ModelScope downloads between crawls by family, beside Qwen's Hugging Face downloads."""
    ms = hubs.hub_panel(hf, "ModelScope", p["start_date"], p["end_date"], p["balanced"])
    flows = hubs.modelscope_flows(ms)
    ms_fam = hubs.modelscope_by_family(flows)
    ms_cov = hubs.coverage(hf, "ModelScope", p["start_date"], p["end_date"])
    by_fam = flows.groupby("family")["delta"].sum()
    present = bool((ms["account"] == "deepseek-ai").any())
    by_account = flows.groupby("account")["delta"].sum().sort_values(ascending=False)
    last = ms_fam[ms_fam["crawl_date"] == ms_fam["crawl_date"].max()].set_index("family")["value"]
    hf_qwen = float(families.head_wide["Qwen"].iloc[-1])
    ratio = float(last.get("Qwen", 0.0)) / hf_qwen if hf_qwen else 0.0
    qwen_share = float(by_fam.get("Qwen", 0.0) / by_fam.sum())
    return ModelScope(
        ms_chart=hubs.modelscope_chart(ms_fam),
        ms_chart_takeaway=(
            f"Qwen takes {percent(qwen_share)} of ModelScope's downloads between crawls; "
            f"in the last crawl the mirror is {hubs.size_word(ratio)} Hugging Face for Qwen."
        ),
        ms_family_table=format_table(
            ms_fam.pivot(index="crawl_date", columns="family", values="value"), id="ms_families"
        ),
        ms_accounts_first=int(ms_cov["accounts"].iloc[0]),
        ms_accounts_last=int(ms_cov["accounts"].iloc[-1]),
        ms_n_accounts=int(ms["account"].nunique()),
        ms_dips=int(flows["dip"].sum()),
        ms_pairs=len(flows),
        ms_qwen_share=qwen_share,
        ms_deepseek_share_text=hubs.presence_text(
            float(by_fam.get("DeepSeek", 0.0) / by_fam.sum()), present, "deepseek-ai"
        ),
        ms_deepseek_in="is" if present else "is not",
        ms_top_account=by_account.index[0],
        ms_top_account_share=float(by_account.iloc[0] / by_account.sum()),
        ms_total_last=float(last.sum()),
        ms_qwen_last=float(last.get("Qwen", 0.0)),
        ms_hf_qwen_ratio=ratio,
        ms_size_word=hubs.size_word(ratio),
    )


# --------------------------------------------------------------------------- GitHub: owners, kinds, flows

ACC_KEYS = [
    "acc_repo_days",
    "acc_entries",
    "acc_re_entries_or_gaps",
    "acc_flows",
    "acc_revision_days",
    "acc_revision_flows",
    "acc_negative_share",
]


@dataclass(frozen=True, kw_only=True)
class Repositories(SectionResult):
    kind_table: Any
    kinds_word: str
    n_repos_all_kinds: int
    n_app_cn: int
    n_owners_table: int
    n_repos: int
    n_owners: int
    owners: dict = flat([f"owners_{o}" for o in OWNER_ORIGINS])
    unknown_repo_day_share: float
    accounting: dict = flat(ACC_KEYS)
    repo_metric: str
    revision_share: float
    min_weeks: int
    event_bin: int
    top_n: int
    gh_first: str
    gh_last: str
    owner_table: pd.DataFrame = internal()
    kinds: pd.DataFrame = internal()
    flows: pd.DataFrame = internal()
    every: pd.DataFrame = internal()


def repositories_section(
    ranking: pd.DataFrame, owners: pd.DataFrame, kinds: pd.DataFrame, p: Any
) -> Repositories:
    """The repositories of the list by owner origin and kind, and how many repository-days give a flow."""
    every = gh.ranking_panel(ranking, owners, {**dict(p), "repo_kinds": list(REPO_KINDS)}, kinds)
    panel = every[every["kind"].isin(p["repo_kinds"])]
    kind_table = gh.kind_counts(every, p)
    flows = gh.daily_flows(panel, p["repo_metric"])
    owner_counts = panel.drop_duplicates("owner")["origin"].value_counts()
    return Repositories(
        kind_table=format_table(kind_table, id="kind_table"),
        kinds_word=" and ".join(p["repo_kinds"]),
        n_repos_all_kinds=int(kind_table[list(OWNER_ORIGINS)].to_numpy().sum()),
        n_app_cn=int(kind_table.loc["application", "CN"]),
        n_owners_table=len(owners),
        n_repos=panel["repo"].nunique(),
        n_owners=panel["owner"].nunique(),
        owners={f"owners_{o}": int(owner_counts.get(o, 0)) for o in OWNER_ORIGINS},
        unknown_repo_day_share=float((panel["origin"] == "unknown").mean()),
        accounting={f"acc_{k}": v for k, v in gh.flow_accounting(panel, flows).items()},
        repo_metric=p["repo_metric"],
        revision_share=gh.REVISION_SHARE,
        min_weeks=gh.MIN_WEEKS_EACH_SIDE,
        event_bin=gh.EVENT_BIN,
        top_n=p["top_n"],
        gh_first=panel["date"].min(),
        gh_last=panel["date"].max(),
        owner_table=owners,
        kinds=kinds,
        flows=flows,
        every=every,
    )


@dataclass(frozen=True, kw_only=True)
class Flows(SectionResult):
    flows_chart: Any
    flows_chart_takeaway: str
    cn_flow_share_first: float
    cn_flow_share_last: float
    cn_flow_word: str
    cn_flow_trend_ci_low: float
    cn_flow_trend_ci_high: float
    cn_flow_trend_text: str
    cn_flow_months: int
    cn_flow_first_from: Any
    cn_flow_last_to: Any
    top_cn_table: Any
    top_cn_repo: str
    top_cn_share: float


def flows_section(repos: Repositories, releases: pd.DataFrame, p: Any) -> Flows:
    """Monthly flows by owner origin, China's share of them and its fitted path, the top CN repositories."""
    monthly = gh.monthly_flows(repos.flows)
    cn_month = monthly[monthly["origin"] == "CN"].set_index("month")["share"]
    first_year, last_year = cn_month.iloc[:12], cn_month.iloc[-12:]
    t = hubs.share_trend(cn_month)
    word = share_trend_words(t)
    top_cn = gh.top_repos(repos.flows, "CN")
    kind_of = dict(zip(repos.kinds["repo"], repos.kinds["kind"], strict=True))
    top_cn = top_cn.assign(kind=top_cn.index.map(kind_of))
    return Flows(
        flows_chart=gh.flows_chart(monthly, p["origins"], p["repo_metric"], releases, p["shocks"]),
        flows_chart_takeaway=(
            f"Chinese-owned repositories took {percent(float(first_year.mean()))} of the list's "
            f"new {p['repo_metric']} in its first twelve months and "
            f"{percent(float(last_year.mean()))} in its last twelve; fitted over every month, "
            f"their share {word}."
        ),
        cn_flow_share_first=float(first_year.mean()),
        cn_flow_share_last=float(last_year.mean()),
        cn_flow_word=word,
        cn_flow_trend_ci_low=t["ci_low"],
        cn_flow_trend_ci_high=t["ci_high"],
        cn_flow_trend_text=trend_text(t),
        cn_flow_months=t["n"],
        cn_flow_first_from=first_year.index[0],
        cn_flow_last_to=last_year.index[-1],
        top_cn_table=format_table(top_cn, {"total": Col(kind="count")}, id="top_cn_table"),
        top_cn_repo=top_cn.index[0],
        top_cn_share=float(top_cn["share"].iloc[0]),
    )


@dataclass(frozen=True, kw_only=True)
class Kinds(SectionResult):
    github_kind_table: Any
    github_model_cn_share: float
    github_model_owner_cn_share: float
    github_infra_cn_share: float
    github_model_cn_word: str
    github_infra_cn_word: str
    github_n_model_repos: int
    github_n_model_repos_cn_owner_us_base: int
    model_reach: Reach = internal()


KIND_COLS = {
    "repositories": Col("Repositories", kind="count"),
    "first 12 months": Col("Chinese share, first 12 months", kind="share"),
    "last 12 months": Col("Chinese share, last 12 months", kind="share"),
    "whole panel": Col("Chinese share, whole panel", kind="share"),
    "trend pp": Col("Trend (percentage points a year)", kind="coef"),
    "trend low pp": Col("95% interval, low (points)", kind="coef"),
    "trend high pp": Col("95% interval, high (points)", kind="coef"),
}


def kind_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The by-kind shares as the table shows them: shares, and trends in percentage points."""
    pp = {
        "trend pp": 100 * table["trend per year"],
        "trend low pp": 100 * table["trend low"],
        "trend high pp": 100 * table["trend high"],
    }
    return table.assign(**pp)[list(KIND_COLS)]


def kinds_section(repos: Repositories, base: pd.DataFrame, p: Any) -> Kinds:
    """China's share of the flows by repository kind (every kind), model repositories classified by
    the origin of their base model (and, for comparison, by owner)."""
    flows = gh.with_base_origin(gh.daily_flows(repos.every, p["repo_metric"]), repos.kinds, base)
    table = gh.cn_share_by_kind(flows)
    models = flows[flows["kind"] == "model"]
    mixed = base[base["repo"].isin(models["repo"])]
    owner_of = dict(zip(models["repo"], models["owner_origin"], strict=False))
    pairs = zip(mixed["repo"], mixed["base_origin"], strict=True)
    crossed = int(sum(owner_of.get(r) == "CN" and o == "US" for r, o in pairs))
    row_m, row_i = table.loc["model, by base model"], table.loc["infrastructure"]
    return Kinds(
        github_kind_table=format_table(kind_frame(table), KIND_COLS, id="github_kind_table"),
        github_model_cn_share=float(row_m["last 12 months"]),
        github_model_owner_cn_share=float(table.loc["model, by owner", "last 12 months"]),
        github_infra_cn_share=float(row_i["last 12 months"]),
        github_model_cn_word=trend(row_m["trend low"], row_m["trend high"]),
        github_infra_cn_word=trend(row_i["trend low"], row_i["trend high"]),
        github_n_model_repos=int(row_m["repositories"]),
        github_n_model_repos_cn_owner_us_base=crossed,
        model_reach=window_reach(gh.monthly_flows(models)),
    )


# ----------------------------------------------------------------------- GitHub: difference-in-differences

POOLED = ("coef", "se", "ci_low", "ci_high", "p", "p used")


@dataclass(frozen=True, kw_only=True)
class DiD(SectionResult):
    entry_table: Any
    entry_listed: int
    entry_throughout: int
    entry_entered: int
    entry_left: int
    repo_panel_label: str
    min_repos: int
    few_clusters: int
    boot_draws: int
    ident_table: Any
    n_shocks: int
    n_estimable: int
    window_weeks: int
    estimator_label: str
    did_table: Any
    pooled_label: str
    pooled: dict = flat([f"pooled_{n.replace(' ', '_')}" for n in POOLED])
    pooled_inference: str
    n_boot_rows: int
    pooled_abs: float
    pooled_mde: float
    cn_pre_mean: float
    pooled_repos: int
    pooled_mde_share: float
    did_informative: str
    conclusion: str
    pooled_direction: str
    pooled_significance: str
    robustness_table: Any
    n_rob: int
    n_rob_positive: int
    n_rob_significant: int
    weekly: pd.DataFrame = internal()
    design: gh.RepoDesign | None = internal()
    estimable: list = internal()


def pooled_words(row: pd.Series) -> tuple[str, str]:
    """The pooled estimate's direction and significance, on the p-value used (bootstrap or t)."""
    return direction(float(row["coef"])), significance(float(row["p used"]))


def did_section(repos: Repositories, p: Any) -> DiD:
    """Entry and exit, which shocks are estimable, the DiD per shock and pooled, and its robustness."""
    weekly = gh.weekly_panel(repos.flows)
    rd = gh.RepoDesign(p["window_weeks"], p["repo_panel"], p["estimator"])
    shock_ts = [pd.Timestamp(s) for s in sorted(p["shocks"])]
    entry = gh.entry_exit(weekly, shock_ts, p["window_weeks"])
    ident = gh.identification(weekly, rd, shock_ts)
    estimable = list(ident.index[ident["estimable"]])
    if not estimable:
        raise gh.NoEstimableShock(ident)
    did = gh.did_table(weekly, rd, estimable)
    key = "pooled" if "pooled" in did.index else did.index[0]
    row = did.loc[key]
    rob = gh.robustness(weekly, p, estimable)
    coef = float(row["coef"])
    mde_, pre = gh.detectable(row), gh.pre_mean(weekly, rd, estimable)
    return DiD(
        entry_table=format_table(entry, id="entry_table"),
        entry_listed=int(entry["listed"].sum()),
        entry_throughout=int(entry["throughout"].sum()),
        entry_entered=int(entry["entered"].sum()),
        entry_left=int(entry["left"].sum()),
        repo_panel_label=REPO_PANELS[p["repo_panel"]],
        min_repos=gh.MIN_REPOS_PER_SIDE,
        few_clusters=gh.FEW_CLUSTERS,
        boot_draws=gh.BOOT_DRAWS,
        ident_table=format_table(ident, id="ident_table"),
        n_shocks=len(ident),
        n_estimable=len(estimable),
        window_weeks=p["window_weeks"],
        estimator_label=gh.ESTIMATORS[p["estimator"]],
        did_table=format_table(did, {"p used": Col(kind="pvalue")}, id="did_table"),
        pooled_label="pooled over the estimable shocks" if key == "pooled" else f"for the shock of {key}",
        pooled={f"pooled_{n.replace(' ', '_')}": float(row[n]) for n in POOLED},
        pooled_inference="wild cluster bootstrap" if row["repositories"] < gh.FEW_CLUSTERS else "clustered t",
        n_boot_rows=int(did["bootstrap p"].notna().sum()),
        pooled_abs=abs(coef),
        pooled_mde=mde_,
        cn_pre_mean=pre,
        pooled_repos=int(row["repositories"]),
        pooled_mde_share=mde_ / abs(pre) if pre else float("nan"),
        did_informative="informative" if gh.informative(mde_, pre) else "uninformative",
        conclusion=gh.conclusion(row, mde_, pre),
        pooled_direction=pooled_words(row)[0],
        pooled_significance=pooled_words(row)[1],
        robustness_table=format_table(rob, {"p used": Col(kind="pvalue")}, id="robustness_table"),
        n_rob=len(rob),
        n_rob_positive=int((rob["coef"] > 0).sum()),
        n_rob_significant=int(sum(is_significant(x) for x in rob["p used"])),
        weekly=weekly,
        design=rd,
        estimable=estimable,
    )


@dataclass(frozen=True, kw_only=True)
class EventStudy(SectionResult):
    event_chart: Any
    event_chart_takeaway: str
    pretrend_table: Any
    n_pretrend_rejected: int
    before_after_table: Any
    ba_cn: float
    ba_us: float


def event_section(did: DiD) -> EventStudy:
    """Event-study bins around each estimable shock, pre-trend tests, each origin's own change."""
    es = pd.concat([gh.event_study(did.weekly, did.design, s) for s in did.estimable], ignore_index=True)
    pre = es.groupby("shock")["pretrend_p"].first()
    rejected = int(sum(is_significant(x) for x in pre))
    ba = gh.before_after(did.weekly, did.design, did.estimable)
    return EventStudy(
        event_chart=gh.event_chart(es),
        event_chart_takeaway=(
            f"At the {ALPHA:.0%} level the pre-trend test rejects flat pre-shock bins for "
            f"{count_of(rejected, len(pre), 'estimated shock')}."
        ),
        pretrend_table=format_table(pre.rename("pre-trend F test p-value").to_frame(), id="pretrend_table"),
        n_pretrend_rejected=rejected,
        before_after_table=format_table(
            ba[["coef", "se", "ci_low", "ci_high", "p"]], id="before_after_table"
        ),
        ba_cn=float(ba.loc["CN", "coef"]),
        ba_us=float(ba.loc["US", "coef"]),
    )


# --------------------------------------------------------------------------- the second list

AGREE_KEYS = [
    f"agree_{k}"
    for k in (
        "repo_days",
        "repos",
        "stock_equal_share",
        "stock_median_rel_diff",
        "flow_pairs",
        "flow_corr",
        "flow_equal_share",
    )
]


@dataclass(frozen=True, kw_only=True)
class SecondList(SectionResult):
    second_coverage_table: Any
    second_n_repos: int
    second_first: Any
    second_early_cn: int
    second_early_us: int
    second_early_repos: str
    second_early_shocks: str
    second_n_estimable: int
    second_max_cn_both: int
    second_chart: Any
    second_chart_takeaway: str
    github_first: str
    n_shocks_before_github: int
    agree: dict = flat(AGREE_KEYS)
    second_agreement_table: Any
    second_revision_days: int
    max_gap_days: int


def second_list_section(
    second_raw: pd.DataFrame, ranking: pd.DataFrame, repos: Repositories, p: Any
) -> SecondList:
    """The second top-100 list: what it observes around the shocks, and its agreement with the first."""
    second = gh.second_list(second_raw, repos.owner_table, repos.kinds, p["repo_kinds"])
    flows = gh.stock_flows(second, p["repo_metric"])
    paper_shocks = [pd.Timestamp(s) for s in PAPER_SHOCKS]
    cov = gh.shock_coverage(flows, paper_shocks, p["window_weeks"])
    early = [s for s in PAPER_SHOCKS if s < "2023-01-01"]
    early_cov = cov.loc[early]
    names = sorted({n for ns in early_cov["repository names"] for n in ns.split(", ") if n})
    weekly = gh.weekly_stock_flows(flows)
    ident = gh.identification(
        weekly, gh.RepoDesign(p["window_weeks"], "listed", p["estimator"]), paper_shocks
    )
    early_ts = [s for s in paper_shocks if s.year < 2023]
    agree = gh.compare_lists(second_raw, ranking, p["repo_metric"])
    n_cn = int(early_cov.xs("CN", level="origin")["repositories"].sum())
    return SecondList(
        second_coverage_table=format_table(cov, id="second_coverage_table"),
        second_n_repos=int(second["repo"].nunique()),
        second_first=second["date"].min(),
        second_early_cn=n_cn,
        second_early_us=int(early_cov.xs("US", level="origin")["repositories"].sum()),
        second_early_repos=", ".join(names) if names else "none",
        second_early_shocks=" and ".join(early),
        second_n_estimable=int(ident["estimable"].sum()),
        second_max_cn_both=int(ident["CN-owned, both sides"].max()),
        second_chart=gh.early_flows_chart(
            gh.around(weekly, early_ts, p["window_weeks"]), [s.date() for s in early_ts], p["repo_metric"]
        ),
        second_chart_takeaway=(
            f"Around the 2022 shocks the second list observes {n_cn} Chinese-owned "
            "repository-windows: too few for a comparison."
            if n_cn < gh.MIN_REPOS_PER_SIDE
            else f"Around the 2022 shocks the second list observes {n_cn} Chinese-owned repository-windows."
        ),
        github_first=GITHUB_FIRST,
        n_shocks_before_github=sum(s < GITHUB_FIRST for s in PAPER_SHOCKS),
        agree={f"agree_{k}": v for k, v in agree.items()},
        second_agreement_table=format_table(
            gh.agreement_frame(agree), gh.AGREEMENT_COLS, id="second_agreement_table"
        ),
        second_revision_days=int(flows.loc[flows["revision"], "date"].nunique()),
        max_gap_days=gh.MAX_GAP_DAYS,
    )


# --------------------------------------------------------------------------- Epoch AI

DID_KEYS = [f"epoch_open_did{n}" for n in ("", "_ci_low", "_ci_high", "_p")]
RATE_KEYS = [f"epoch_{c}_open_rate_{w}" for c in ("cn", "us") for w in ("early", "late")]


@dataclass(frozen=True, kw_only=True)
class Epoch(SectionResult):
    epoch_chart: Any
    epoch_chart_takeaway: str
    epoch_table: Any
    epoch_export: str
    epoch_last_date: Any
    epoch_full_year: int
    epoch_first_year: int
    epoch_partial_year: int
    epoch_partial_n: int
    epoch_open_cn_full: int
    epoch_open_us_full: int
    epoch_open_cn_prev: int
    epoch_open_us_prev: int
    epoch_early_last: int
    epoch_test_table: Any
    rates: dict = flat(RATE_KEYS)
    did: dict = flat(DID_KEYS)
    epoch_open_did_pp: float
    epoch_open_did_text: str
    epoch_least_did_text: str
    epoch_open_did_word: str
    epoch_bounds_agree: str
    epoch_least_word: str
    epoch_least_did_pp: float
    epoch_unstated_early: int
    epoch_open_word: str
    epoch_unstated_full: int
    n_releases_cn: int
    n_releases_us: int


def did_text(row: pd.Series) -> str:
    """'+22.4 percentage points (95% interval +6.0 to +38.7 points, p = 0.007)'."""
    lo, hi = 100 * float(row["ci_low"]), 100 * float(row["ci_high"])
    return (f"{points(float(row['did']))} ({interval(lo, hi, 1)} points, {p_value(float(row['p']))})")


def epoch_did_word(row: pd.Series) -> str:
    """How China's openness moved against the U.S.' (the difference in differences), when significant."""
    return tested_change(
        float(row["did"]),
        float(row["p"]),
        "rose more for China than for the U.S.",
        "rose less (or fell more) for China than for the U.S.",
        "did not move significantly differently for China and the U.S.",
    )


def epoch_section(epoch: pd.DataFrame, releases: pd.DataFrame, p: Any) -> Epoch:
    """Open-weight and closed releases per year and country (a census of notable models), and the
    openness of each country's own releases compared across periods by a difference in differences."""
    by_year = ep.epoch_by_year(epoch, p["epoch_export"])
    wide = by_year.pivot_table(index="year", columns=["access", "origin"], values="models", aggfunc="sum")
    last_date = ep.epoch_last_date(epoch, p["epoch_export"])
    full_year = int(last_date.year) - 1
    openw = by_year[by_year["access"] == "open weights"].pivot(
        index="year", columns="origin", values="models"
    )
    test = ep.epoch_open_did(by_year, (ep.EPOCH_FIRST_YEAR, ep.EPOCH_EARLY_LAST), full_year)
    stated = test.loc["stated"]
    words = {n: epoch_did_word(r) for n, r in test.iterrows()}
    early = ep.epoch_period_counts(by_year, (ep.EPOCH_FIRST_YEAR, ep.EPOCH_EARLY_LAST))["access not stated"]
    unstated = by_year[(by_year["access"] == "access not stated") & (by_year["year"] == full_year)]
    d = releases["date"].dt.date
    in_range = releases[(d >= p["start_date"]) & (d <= p["end_date"])]
    cn, us = int(openw.loc[full_year, "CN"]), int(openw.loc[full_year, "US"])
    open_word = compare(cn, us, "more than", "fewer than", "as many as")
    return Epoch(
        epoch_chart=ep.epoch_chart(by_year),
        epoch_chart_takeaway=(
            f"In {full_year} Epoch AI's census of notable models lists {cn} Chinese and {us} "
            f"U.S. open-weight models: China released {open_word} the United States."
        ),
        epoch_table=format_table(wide, id="epoch_table"),
        epoch_export=p["epoch_export"],
        epoch_last_date=last_date,
        epoch_full_year=full_year,
        epoch_first_year=ep.EPOCH_FIRST_YEAR,
        epoch_partial_year=int(last_date.year),
        epoch_partial_n=int(by_year.loc[by_year["year"] == last_date.year, "models"].sum()),
        epoch_open_cn_full=cn,
        epoch_open_us_full=us,
        epoch_open_cn_prev=int(openw.loc[full_year - 1, "CN"]),
        epoch_open_us_prev=int(openw.loc[full_year - 1, "US"]),
        epoch_early_last=ep.EPOCH_EARLY_LAST,
        epoch_test_table=format_table(ep.did_frame(test), ep.EPOCH_TEST_COLS, id="epoch_test_table"),
        rates={
            f"epoch_{c}_open_rate_{w}": float(stated[f"{c}_{w}"])
            for c in ("cn", "us")
            for w in ("early", "late")
        },
        did={
            f"epoch_open_did{n}": float(stated[c])
            for n, c in (("", "did"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high"), ("_p", "p"))
        },
        epoch_open_did_pp=100 * float(stated["did"]),
        epoch_open_did_text=did_text(stated),
        epoch_least_did_text=points(float(test.loc["least for China", "did"])),
        epoch_open_did_word=words["stated"],
        epoch_bounds_agree="holds" if len(set(words.values())) == 1 else "does not hold",
        epoch_least_word=words["least for China"],
        epoch_least_did_pp=100 * float(test.loc["least for China", "did"]),
        epoch_unstated_early=int(early.sum()),
        epoch_open_word=open_word,
        epoch_unstated_full=int(unstated["models"].sum()),
        n_releases_cn=int((in_range["origin"] == "CN").sum()),
        n_releases_us=int((in_range["origin"] == "US").sum()),
    )


# --------------------------------------------------------------------------- verdict

VERDICT_TABLE_COLS = {
    "cn_reach": Col("Chinese reach", kind="count"),
    "us_reach": Col("U.S. reach", kind="count"),
    "cn_share": Col("Chinese share", kind="share"),
    "us_share": Col("U.S. share", kind="share"),
    "relative": Col("Chinese reach, % of U.S.", kind="share"),
    "trend_pp": Col("Trend of the Chinese share (points a year)", kind="coef"),
    "trend_p": Col("Trend p-value", kind="pvalue"),
    "verdict": Col("Verdict"),
}


@dataclass(frozen=True, kw_only=True)
class Verdict(SectionResult):
    claim4_table: Any
    judgement: dict = flat(C.claim_keys(4).values())


def claim4_verdict(r: Reach, measure: str, unit: str = "") -> C.Verdict:
    """Claim 4's rule on one specification's reach."""
    return C.diffusion(r.cn_share, r.us_share, r.cn_reach, r.us_reach, r.trend, measure, unit)


def verdict_section(llm: LLMReach, kinds: Kinds, p: Any) -> Verdict:
    """Claim 4 by its rule on the primary measure and every declared alternative."""
    metric = hubs.HUB_METRIC_WORDS[p["metric"]]
    measure = f"{metric} (LLM-family models, publishers in every crawl)"
    hub_measure = {
        "all models": f"{metric} (all models, publishers in every crawl)",
        "model-balanced panel": f"{metric} (LLM-family models present in every crawl)",
        "full panel": f"{metric} (LLM-family models, every crawled publisher)",
    }
    primary = claim4_verdict(llm.specs["primary"], measure)
    under = {name: claim4_verdict(llm.specs[name], words) for name, words in hub_measure.items()}
    under["GitHub model repositories"] = claim4_verdict(
        kinds.model_reach,
        f"new {p['repo_metric']} of the GitHub list's model repositories over its last twelve "
        "months (by base-model origin)",
    )
    judgement = C.judge(C.claim(4), primary, under)
    specs = {
        "primary: LLM families, publishers in every crawl": llm.specs["primary"],
        **{name: llm.specs[name] for name in hub_measure},
        "GitHub model repositories": kinds.model_reach,
    }
    verdicts = {
        "primary: LLM families, publishers in every crawl": primary.word,
        **{name: v.word for name, v in under.items()},
    }
    frame = pd.DataFrame(
        {
            name: {
                "cn_reach": r.cn_reach,
                "us_reach": r.us_reach,
                "cn_share": r.cn_share,
                "us_share": r.us_share,
                "relative": r.relative,
                "trend_pp": 100 * r.trend["slope"],
                "trend_p": r.trend["p"],
                "verdict": verdicts[name],
            }
            for name, r in specs.items()
        }
    ).T
    return Verdict(
        claim4_table=format_table(frame, VERDICT_TABLE_COLS, id="claim4_table"),
        judgement=judgement.glue_values(),
    )


__all__ = [
    "Coverage",
    "DiD",
    "Epoch",
    "EventStudy",
    "Families",
    "Flows",
    "Kinds",
    "LLMReach",
    "ModelScope",
    "OriginShares",
    "Repositories",
    "SecondList",
    "Verdict",
    "coverage_section",
    "did_section",
    "epoch_section",
    "event_section",
    "families_section",
    "flows_section",
    "kinds_section",
    "llm_section",
    "modelscope_section",
    "origin_section",
    "repositories_section",
    "second_list_section",
    "verdict_section",
]
