"""Chapter `diffusion`: origin tables, flows, families, the repository-level DiD (against
pyfixest to 1e-6), parameter checks, and execution with defaults and two other parameter sets."""

from __future__ import annotations

import math
import re
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import REPO, glued

from chipshock.chapters.diffusion import analysis as A
from chipshock.chapters.diffusion import common, hubs
from chipshock.chapters.diffusion import epoch as ep
from chipshock.chapters.diffusion import github as gh
from chipshock.chapters.diffusion import parameters as dfp
from chipshock.data.build import load
from chipshock.data.catalog import MODEL_REPO_BASE
from chipshock.data.tables import hf_models
from chipshock.econometrics.models import fit_ols
from chipshock.errors import DataError, ParamError
from chipshock.params import read_params_file
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter

PROJECT = Project(REPO)


# --------------------------------------------------------------------------- curated origin tables

@pytest.fixture(scope="module")
def owners() -> pd.DataFrame:
    return gh.read_owner_origin(REPO)


@pytest.fixture(scope="module")
def llm_owners() -> pd.Series:
    ranking = load(PROJECT, "github_ranking")
    return ranking.loc[ranking["item"] == common.TOPIC, "repo"].str.split("/", n=1).str[0]


def test_every_owner_of_the_llm_list_is_classified_with_a_reason(owners, llm_owners) -> None:
    assert gh.unclassified_owners(llm_owners, owners) == []
    assert set(owners["origin"]) <= set(dfp.OWNER_ORIGINS)
    assert (owners["reason"].str.len() >= 8).all()
    unknown = owners[owners["origin"] == "unknown"]
    assert unknown["reason"].str.contains("not verified|not stated|no single|pseudonymous").all()
    extra = owners[~owners["owner"].isin(set(llm_owners))]  # no stale rows: only the second list's
    assert extra["reason"].str.contains("second list only").all() and len(extra) == 2


@pytest.mark.parametrize(("owner", "origin"), [
    ("QwenLM", "CN"), ("deepseek-ai", "CN"), ("THUDM", "CN"), ("OpenBMB", "CN"), ("PaddlePaddle", "CN"),
    ("bytedance", "CN"), ("OpenGVLab", "CN"), ("HKUDS", "CN"), ("hiyouga", "CN"), ("infiniflow", "CN"),
    ("meta-llama", "US"), ("facebookresearch", "US"), ("openai", "US"), ("microsoft", "US"),
    ("google", "US"), ("NVIDIA", "US"), ("ollama", "US"), ("langchain-ai", "US"), ("run-llama", "US"),
    ("vllm-project", "US"), ("huggingface", "other"), ("mistralai", "other"), ("ggml-org", "other"),
])
def test_well_known_owners(owners, owner: str, origin: str) -> None:
    assert owners.set_index("owner").loc[owner, "origin"] == origin


def test_owners_spelt_in_two_cases_agree(owners) -> None:
    lower = owners.assign(key=owners["owner"].str.lower())
    assert (lower.groupby("key")["origin"].nunique() == 1).all()
    assert {"Sinaptik-AI", "sinaptik-ai"} <= set(owners["owner"])


def test_owner_table_errors_name_the_problem(tmp_path: Path) -> None:
    (tmp_path / "data/curated").mkdir(parents=True)
    path = tmp_path / gh.REPO_OWNER_ORIGIN
    path.write_text("owner,origin,reason\nacme,CN,\n")
    with pytest.raises(DataError, match="schema"):
        gh.read_owner_origin(tmp_path)
    path.write_text("owner,origin,reason\nAcme,CN,Acme Inc. (Beijing)\nacme,US,Acme Inc. (Ohio)\n")
    with pytest.raises(DataError, match="acme"):
        gh.read_owner_origin(tmp_path)
    path.unlink()
    with pytest.raises(DataError, match="missing"):
        gh.read_owner_origin(tmp_path)


def test_an_unlisted_owner_is_a_clear_error(owners) -> None:
    ranking = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]), "item": [common.TOPIC],
                            "repo": ["nobody-knows/thing"], "rank": [1], "stars": [1], "forks": [1]})
    p = dfp.PARAMS.resolve({})
    with pytest.raises(DataError, match="nobody-knows"):
        gh.ranking_panel(ranking, owners, p)


@pytest.fixture(scope="module")
def kinds() -> pd.DataFrame:
    return gh.read_repo_kind(REPO)


def test_every_repository_of_the_llm_list_has_a_kind_with_a_reason(kinds) -> None:
    ranking = load(PROJECT, "github_ranking")
    llm = set(ranking.loc[ranking["item"] == common.TOPIC, "repo"])
    assert llm <= set(kinds["repo"])
    extra = kinds[~kinds["repo"].isin(llm)]  # none stale: the others are the second list's
    assert extra["reason"].str.contains("second list only").all() and len(extra) == 10
    assert set(kinds["kind"]) == set(dfp.REPO_KINDS) and (kinds["reason"].str.len() >= 8).all()


@pytest.mark.parametrize(("repo", "kind"), [
    ("QwenLM/Qwen", "model"), ("THUDM/ChatGLM3", "model"), ("vllm-project/vllm", "infrastructure"),
    ("hiyouga/LLaMA-Factory", "infrastructure"), ("ggml-org/llama.cpp", "infrastructure"),
    ("ZhuLinsen/daily_stock_analysis", "application"), ("harry0703/MoneyPrinterTurbo", "application"),
    ("lobehub/lobe-chat", "application"), ("Hannibal046/Awesome-LLM", "resource"),
])
def test_well_known_kinds(kinds, repo: str, kind: str) -> None:
    assert kinds.set_index("repo").loc[repo, "kind"] == kind


def test_the_kind_parameter_filters_and_an_unkinded_repository_is_a_clear_error(owners) -> None:
    ranking = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"] * 2), "item": [common.TOPIC] * 2,
                            "repo": ["QwenLM/Qwen", "lobehub/lobe-chat"], "rank": [1, 2], "stars": 1,
                            "forks": 1})
    kinds = pd.DataFrame({"repo": ["QwenLM/Qwen", "lobehub/lobe-chat"], "kind": ["model", "application"],
                          "reason": ["model weights", "a chat client"]})
    p = dfp.PARAMS.resolve({})
    assert list(gh.ranking_panel(ranking, owners, p, kinds)["repo"]) == ["QwenLM/Qwen"]
    p_all = dfp.PARAMS.resolve({"repo_kinds": "model,application"})
    assert len(gh.ranking_panel(ranking, owners, p_all, kinds)) == 2
    with pytest.raises(DataError, match=r"lobehub/lobe-chat.*kind"):
        gh.ranking_panel(ranking, owners, p, kinds.iloc[:1])


def test_kind_table_schema_errors_name_the_problem(tmp_path: Path) -> None:
    (tmp_path / "data/curated").mkdir(parents=True)
    (tmp_path / dfp.REPO_KIND).write_text("repo,kind,reason\na/b,app,a chat client\n")
    with pytest.raises(DataError, match="schema"):
        gh.read_repo_kind(tmp_path)


def test_every_hub_publisher_in_the_data_is_classified() -> None:
    hf = load(PROJECT, "hf_models")
    table = hf_models.read_publisher_origin(REPO)
    # hub account names are case-insensitive (ModelScope's OpenBMB is crawled as openbmb)
    lookup = {(r.platform, r.account.lower()): r.origin for r in table.itertuples()}
    pairs = hf[["platform", "account", "origin"]].drop_duplicates()
    for row in pairs.itertuples():
        assert lookup[(row.platform, row.account.lower())] == row.origin
    assert (table["source"].str.len() >= 10).all()
    assert set(hf.loc[hf["platform"] == "ModelScope", "origin"]) == {"CN"}


# --------------------------------------------------------------------------- hubs

@pytest.mark.parametrize(("model_id", "family"), [
    ("Qwen/Qwen2.5-7B-Instruct", "Qwen"), ("Qwen/QwQ-32B", "Qwen"),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "DeepSeek"), ("meta-llama/Llama-3.1-8B", "Llama"),
    ("google/gemma-2-2b-it", "Gemma"), ("google-bert/bert-base-uncased", "other"),
    ("01-ai/Yi-34B", "Yi"), ("THUDM/glm-4-9b-chat", "GLM"), ("OpenGVLab/InternVL2-8B", "InternLM/InternVL"),
    ("microsoft/Phi-3-mini-4k-instruct", "Phi"), ("openai/gpt-oss-20b", "gpt-oss"),
    ("BAAI/bge-m3", "BGE"), ("mistralai/Mistral-7B-v0.1", "Mistral"),
])
def test_families(model_id: str, family: str) -> None:
    assert hubs.families(pd.Series([model_id]))["family"].iloc[0] == family


def _hub(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["crawl_date", "account", "model_id", "total_downloads"]).assign(
        crawl_date=lambda x: pd.to_datetime(x["crawl_date"]), origin="CN")


def test_balance_keeps_accounts_present_in_every_crawl_with_all_their_models() -> None:
    panel = _hub([("2025-01-01", "a", "a/1", 1), ("2025-02-01", "a", "a/1", 2), ("2025-02-01", "a", "a/2", 2),
                  ("2025-01-01", "b", "b/1", 1), ("2025-02-01", "c", "c/1", 1)])
    # account a is in both crawls; its model a/2, released after the first, stays (no Gemma artefact)
    assert sorted(hubs.balance(panel)["model_id"].unique()) == ["a/1", "a/2"]
    assert sorted(hubs.balance_models(panel)["model_id"].unique()) == ["a/1"]


@pytest.mark.parametrize(("model_id", "kept"), [
    ("Qwen/Qwen2.5-7B-Instruct", True), ("deepseek-ai/DeepSeek-R1", True), ("google/gemma-3-4b-it", True),
    ("OpenGVLab/InternVL2-8B", True),  # generative vision-language models are LLM families
    ("Qwen/Qwen3-Embedding-0.6B", False), ("BAAI/bge-m3", False), ("BAAI/bge-reranker-v2-m3", False),
    ("google-bert/bert-base-uncased", False), ("openai/whisper-large-v3", False),
    ("Alibaba-NLP/gte-Qwen2-7B-instruct", True),  # named for Qwen, generative base: kept by name
])
def test_llm_family_filter(model_id: str, kept: bool) -> None:
    panel = pd.DataFrame({"model_id": [model_id]})
    panel = pd.concat([panel, hubs.families(panel["model_id"])], axis=1)
    assert len(hubs.llm_models(panel)) == int(kept)


def test_modelscope_flows_use_consecutive_crawls_and_the_running_maximum() -> None:
    panel = _hub([("2025-01-01", "a", "a/1", 100), ("2025-01-31", "a", "a/1", 160),
                  ("2025-03-02", "a", "a/1", 10), ("2025-04-01", "a", "a/1", 190),   # a dip and a return
                  ("2025-03-02", "a", "a/2", 50), ("2025-04-01", "a", "a/2", 80)])  # a new model
    panel = pd.concat([panel, hubs.families(panel["model_id"])], axis=1)
    flows = hubs.modelscope_flows(panel).set_index(["model_id", "crawl_date"])
    assert flows.loc[("a/1", pd.Timestamp("2025-01-31")), "delta"] == 60
    assert flows.loc[("a/1", pd.Timestamp("2025-03-02")), "delta"] == 0  # the dip subtracts nothing
    assert flows.loc[("a/1", pd.Timestamp("2025-04-01")), "delta"] == 30  # and adds back nothing
    assert bool(flows.loc[("a/1", pd.Timestamp("2025-03-02")), "dip"])
    assert ("a/2", pd.Timestamp("2025-03-02")) not in flows.index  # entry is not a flow
    assert flows.loc[("a/2", pd.Timestamp("2025-04-01")), "per_30_days"] == pytest.approx(30.0)


def test_china_share_by_origin() -> None:
    panel = pd.DataFrame({"crawl_date": pd.to_datetime(["2025-01-01"] * 3), "origin": ["CN", "US", "US"],
                          "downloads_last_month": [1, 2, 1]})
    assert hubs.china_share(hubs.by_origin(panel, "downloads_last_month")).iloc[0] == pytest.approx(0.25)


def _share(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2024-11-14", periods=len(values), freq="30D"))


@pytest.mark.parametrize(("values", "word"), [
    ([0.10, 0.12, 0.14, 0.16, 0.18, 0.20], "rose"),
    ([0.20, 0.18, 0.16, 0.14, 0.12, 0.10], "fell"),
    ([0.19, 0.30, 0.11, 0.25, 0.12, 0.24], "showed no clear trend"),  # endpoints rise, path does not
    ([0.30, 0.10, 0.11, 0.12, 0.13, 0.14], "showed no clear trend"),  # endpoints fall, path rises
])
def test_trend_word_follows_the_whole_path(values: list[float], word: str) -> None:
    trend = hubs.share_trend(_share(values))
    assert A.share_trend_words(trend) == word
    assert trend["ci_low"] <= trend["slope"] <= trend["ci_high"] and trend["n"] == len(values)


def test_trend_slope_is_per_year() -> None:
    s = pd.Series([0.1, 0.2, 0.3], index=pd.to_datetime(["2024-01-01", "2024-12-31", "2025-12-31"]))
    assert hubs.share_trend(s)["slope"] == pytest.approx(0.1 / (365 / 365.25), rel=1e-3)
    with pytest.raises(common.EmptySelection, match="three crawls"):
        hubs.share_trend(s.iloc[:2])


@pytest.mark.parametrize(("a", "b", "phrase"), [(2, 1, "larger than"), (1, 2, "smaller than"),
                                                (1, 1, "the same as")])
def test_family_takeaway_covers_ties(a: float, b: float, phrase: str) -> None:
    assert A.family_takeaway(a, b, "balanced panel").endswith(f"is {phrase} Llama's.")


@pytest.mark.parametrize(("ratio", "word"), [(0.1, "small beside"), (0.5, "comparable to"),
                                             (1.99, "comparable to"), (2.0, "larger than")])
def test_mirror_size_word(ratio: float, word: str) -> None:
    assert hubs.size_word(ratio) == word


def test_an_absent_account_is_said_not_printed_as_zero() -> None:
    assert hubs.presence_text(0.0, False, "deepseek-ai").startswith("nothing measurable")
    assert "deepseek-ai" in hubs.presence_text(0.0, False, "deepseek-ai")
    assert hubs.presence_text(0.0, True, "deepseek-ai") == "0.0%"
    assert hubs.presence_text(0.1234, True, "x") == "12.3%"


def _families() -> pd.DataFrame:
    crawls = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])
    bal = pd.DataFrame({"crawl_date": crawls, "account": "Qwen", "model_id": "Qwen/Qwen2.5-7B",
                        "downloads_last_month": [38, 40, 42], "origin": "CN"})
    full = pd.concat([bal.assign(downloads_last_month=[65, 87, 90]),
                      bal.assign(account="deepseek-ai", model_id="deepseek-ai/DeepSeek-R1",
                                 downloads_last_month=[0, 10, 20])])

    def add(x: pd.DataFrame) -> pd.DataFrame:
        x = x.reset_index(drop=True)
        return pd.concat([x, hubs.families(x["model_id"])], axis=1)

    return pd.concat([hubs.by_family(add(bal), "downloads_last_month").assign(panel="balanced panel"),
                      hubs.by_family(add(full), "downloads_last_month").assign(panel="full panel")],
                     ignore_index=True)


def test_family_chart_draws_one_line_per_family_and_panel() -> None:
    fam = _families()
    drawn, absent = hubs.drawn_families(fam)
    assert sorted(absent) == ["DeepSeek (balanced panel)", "Gemma (balanced panel)", "Gemma (full panel)",
                              "Llama (balanced panel)", "Llama (full panel)"]
    spec = hubs.family_chart(drawn, "downloads").to_dict()
    assert spec["facet"]["column"]["field"] == "panel"
    for _, line in drawn.groupby(["panel", "family"]):
        dates = line["crawl_date"]
        assert dates.is_monotonic_increasing and not dates.duplicated().any()
    qwen = drawn[drawn["family"] == "Qwen"].set_index(["panel", "crawl_date"])["value"]
    assert list(qwen["balanced panel"]) == [38, 40, 42] and list(qwen["full panel"]) == [65, 87, 90]


def test_family_chart_refuses_a_line_that_mixes_panels() -> None:
    mixed = _families().drop(columns="panel").assign(panel="one panel")  # the old, zig-zagging line
    with pytest.raises(ValueError, match="repeated or unordered"):
        hubs.family_chart(mixed, "downloads")


# --------------------------------------------------------------------------- GitHub flows

def _ranking(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["date", "repo", "forks"])
    return out.assign(date=pd.to_datetime(out["date"]), owner=out["repo"].str.split("/").str[0],
                      origin="CN", rank=1)


def test_daily_flows_handle_entry_gaps_and_exit() -> None:
    panel = _ranking([("2024-01-01", "a/x", 10), ("2024-01-02", "a/x", 13),   # flow 3
                      ("2024-01-04", "a/x", 20),                              # gap: no flow
                      ("2024-01-05", "a/x", 21),                              # flow 1
                      ("2024-01-02", "b/y", 5), ("2024-01-03", "b/y", 9)])    # entry, then flow 4
    flows = gh.daily_flows(panel, "forks")
    got = {(r.repo, r.date.strftime("%m-%d")): r.flow for r in flows.itertuples()}
    assert got == {("a/x", "01-02"): 3.0, ("a/x", "01-05"): 1.0, ("b/y", "01-03"): 4.0}
    acc = gh.flow_accounting(panel, flows)
    assert acc["entries"] == 2 and acc["re_entries_or_gaps"] == 1 and acc["flows"] == 3


def test_recount_days_are_flagged() -> None:
    rows = []
    for i in range(10):
        rows += [("2024-01-01", f"o/r{i}", 100), ("2024-01-02", f"o/r{i}", 100 - (i < 4) * 50 + (i >= 4))]
    flows = gh.daily_flows(_ranking(rows), "forks")
    assert flows["revision"].all()  # 4 of 10 repositories lost forks on the same day
    assert gh.weekly_panel(flows).empty


# --------------------------------------------------------------------------- the repository-level DiD

def simulated_repos(seed: int = 2, repos: int = 40, weeks: int = 30, effect: float = 1.5) -> pd.DataFrame:
    """SIMULATED repository x week flows: half Chinese-owned, with a known after-shock effect."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")  # a Monday
    rows = []
    common = rng.normal(size=weeks)
    for r in range(repos):
        cn, a = r % 2, rng.normal(scale=2)
        for t in range(weeks):
            if rng.random() < 0.1:
                continue  # an unbalanced panel: some repository-weeks are missing
            post = t >= weeks // 2
            rows.append({"repo": f"o{r}/r", "week": start + pd.Timedelta(weeks=t),
                         "origin": "CN" if cn else "US",
                         "flow": a + common[t] + effect * cn * post + rng.normal(), "days": 7})
    return pd.DataFrame(rows)


def test_repo_did_matches_pyfixest() -> None:
    pf = pytest.importorskip("pyfixest")
    weekly = simulated_repos()
    rd = gh.RepoDesign(window=10, panel="both_sides", estimator="ols_level")
    shocks = [pd.Timestamp("2024-03-25"), pd.Timestamp("2024-05-06")]
    data = gh.repo_stack(weekly, shocks, rd)
    fit = gh.repo_did(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.feols("y ~ treat_post | repo^shock + week^shock", data, vcov={"CRV1": "repo"})
    np.testing.assert_allclose(fit.coef, ref.coef().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(fit.se, ref.se().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(fit.table()["p"], ref.pvalue().to_numpy(), rtol=0, atol=1e-6)
    assert fit.n_clusters == data["repo"].nunique()


def test_event_study_matches_pyfixest() -> None:
    pf = pytest.importorskip("pyfixest")
    weekly = simulated_repos(seed=5)
    rd = gh.RepoDesign(window=12, panel="both_sides", estimator="ols_asinh")
    table = gh.event_study(weekly, rd, "2024-04-01").set_index("rel")
    data = gh.repo_stack(weekly, [pd.Timestamp("2024-04-01")], rd)
    data = data.assign(bin=np.floor_divide(data["rel"], gh.EVENT_BIN))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.feols("y ~ i(bin, treated, ref=-1) | repo^shock + week^shock", data, vcov={"CRV1": "repo"})
    ours = table.drop(index=-1)
    np.testing.assert_allclose(np.sort(ours["coef"]), np.sort(ref.coef().to_numpy()), atol=1e-6)
    np.testing.assert_allclose(np.sort(ours["se"]), np.sort(ref.se().to_numpy()), atol=1e-6)
    assert table.loc[-1, "coef"] == 0 and 0 <= table["pretrend_p"].iloc[0] <= 1


def test_did_recovers_the_simulated_effect() -> None:
    weekly = simulated_repos(seed=11, repos=80)
    rd = gh.RepoDesign(window=10, panel="both_sides", estimator="ols_level")
    table = gh.did_table(weekly, rd, ["2024-04-01"])
    assert table.loc["2024-04-01", "ci_low"] < 1.5 < table.loc["2024-04-01", "ci_high"]


def test_balanced_windows_keep_only_repositories_present_every_week() -> None:
    weekly = simulated_repos()
    rd = gh.RepoDesign(window=6, panel="balanced", estimator="ols_level")
    data = gh.repo_stack(weekly, [pd.Timestamp("2024-04-01")], rd)
    assert (data.groupby("repo").size() == 12).all()


def test_listed_panel_keeps_entrants_and_the_table_counts_entry_and_exit() -> None:
    weekly = simulated_repos(repos=20)
    shock = pd.Timestamp("2024-04-01")  # week 13 of 30
    weekly = weekly[~((weekly["repo"] == "o0/r") & (weekly["week"] < shock))]        # enters at the shock
    weekly = weekly[~((weekly["repo"] == "o1/r") & (weekly["week"] >= shock))]       # leaves at the shock
    listed = gh.repo_stack(weekly, [shock], gh.RepoDesign(6, "listed", "ols_level"))
    both = gh.repo_stack(weekly, [shock], gh.RepoDesign(6, "both_sides", "ols_level"))
    assert {"o0/r", "o1/r"} <= set(listed["repo"]) and not {"o0/r", "o1/r"} & set(both["repo"])
    table = gh.entry_exit(weekly, [shock], 6)
    cn, us = table.loc[("2024-04-01", "CN")], table.loc[("2024-04-01", "US")]
    assert cn["only_before"] == 1 and us["only_after"] == 1  # o1 is Chinese-owned, o0 U.S.-owned
    assert (table["listed"] == 10).all() and (table["throughout"] <= table["listed"]).all()


def test_estimable_needs_five_repositories_per_side_observed_before_and_after() -> None:
    weekly = simulated_repos(repos=20)
    rd = gh.RepoDesign(6, "listed", "ols_level")
    shock = pd.Timestamp("2024-04-01")
    cn = sorted(weekly.loc[weekly["origin"] == "CN", "repo"].unique())
    keep = weekly[~weekly["repo"].isin(cn[5:])]  # five Chinese-owned repositories: estimable
    assert gh.identification(keep, rd, [shock])["estimable"].iloc[0]
    post_only = keep[~((keep["repo"] == cn[0]) & (keep["week"] < shock))]  # one of them only after
    ident = gh.identification(post_only, rd, [shock])
    assert ident["CN-owned repositories"].iloc[0] == 5 and ident["CN-owned, both sides"].iloc[0] == 4
    assert not ident["estimable"].iloc[0] and "fewer than 5" in ident["why not"].iloc[0]


def test_few_clusters_get_the_wild_bootstrap_and_many_do_not() -> None:
    few = simulated_repos(seed=4, repos=12)
    table = gh.did_table(few, gh.RepoDesign(6, "listed", "ols_level"), ["2024-04-01"])
    row = table.iloc[0]
    assert row["repositories"] < gh.FEW_CLUSTERS and 0 < row["bootstrap p"] <= 1
    assert row["p used"] == row["bootstrap p"]
    many = gh.did_table(simulated_repos(seed=4, repos=40), gh.RepoDesign(6, "listed", "ols_level"),
                        ["2024-04-01"]).iloc[0]
    assert np.isnan(many["bootstrap p"]) and many["p used"] == many["p"]


def test_bootstrap_with_week_indicators_equals_brute_force_refits() -> None:
    """With 8 clusters every sign pattern is enumerated; refit each bootstrap sample from scratch."""
    weekly = simulated_repos(seed=9, repos=8, weeks=12)
    data = gh.repo_stack(weekly, [pd.Timestamp("2024-02-12")], gh.RepoDesign(4, "listed", "ols_level"))
    fast = gh.bootstrap_p(data)
    frame, names = gh.week_dummies(data)
    fit = fit_ols(frame, "y", ["treat_post", *names], [["repo", "shock"]], "repo")
    assert fit.coef[0] == pytest.approx(gh.repo_did(data).coef[0], abs=1e-9)  # same point estimate
    xt, yt, clusters = fit._design
    xr = xt[:, 1:]
    fitted = xr @ np.linalg.lstsq(xr, yt, rcond=None)[0]
    t_obs, hits, g = fit.coef[0] / fit.se[0], 0, 8
    for signs in range(2 ** g):
        v = np.array([1.0 if signs >> c & 1 else -1.0 for c in range(g)])
        y_star = fitted + v[clusters] * (yt - fitted)
        bread = np.linalg.inv(xt.T @ xt)
        b = bread @ xt.T @ y_star
        scores = np.column_stack([np.bincount(clusters, weights=xt[:, j] * (y_star - xt @ b))
                                  for j in range(xt.shape[1])])
        n = len(yt)
        v_b = g / (g - 1) * (n - 1) / (n - fit.df_k) * (bread @ scores.T @ scores @ bread)
        hits += abs(b[0] / np.sqrt(v_b[0, 0])) >= abs(t_obs) - 1e-12
    assert fast == pytest.approx(hits / 2 ** g, abs=1e-12)


def test_a_shock_without_both_sides_is_not_estimable() -> None:
    weekly = simulated_repos()
    weekly = weekly[weekly["origin"] == "US"]
    rd = gh.RepoDesign(window=6, panel="listed", estimator="ols_level")
    ident = gh.identification(weekly, rd, [pd.Timestamp("2024-04-01")])
    assert not ident["estimable"].any()
    with pytest.raises(gh.NoEstimableShock, match="no shock can be estimated"):
        raise gh.NoEstimableShock(ident)


# --------------------------------------------------------------------------- Epoch AI

def test_epoch_counts_joint_models_for_both_sides() -> None:
    epoch = pd.DataFrame({
        "export": "2025-03", "model": ["a", "b", "c", "d"],
        "country": ["China", "United States of America,China", "Hong Kong,China", "France"],
        "publication_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2023-03-01", "2024-01-01"]),
        "open_weights": pd.array([True, True, pd.NA, False], dtype="boolean")})
    table = ep.epoch_by_year(epoch, "2025-03").set_index(["year", "origin", "access"])["models"]
    assert table[(2024, "CN", "open weights")] == 2 and table[(2024, "US", "open weights")] == 1
    assert table[(2023, "CN", "access not stated")] == 1 and table[(2024, "US", "closed")] == 0


def _ep(rows: dict[tuple[int, str, str], int]) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "origin": o, "access": a, "models": n} for (y, o, a), n in rows.items()])


def test_epoch_openness_is_compared_within_each_country() -> None:
    table = _ep({(2020, "CN", "open weights"): 10, (2020, "CN", "closed"): 30,
                 (2020, "US", "open weights"): 90, (2020, "US", "closed"): 90,
                 (2020, "CN", "access not stated"): 20, (2020, "US", "access not stated"): 0,
                 (2024, "CN", "open weights"): 40, (2024, "CN", "closed"): 10,
                 (2024, "US", "open weights"): 60, (2024, "US", "closed"): 60,
                 (2024, "CN", "access not stated"): 0, (2024, "US", "access not stated"): 50})
    test = ep.epoch_open_did(table, (2017, 2022), 2024)
    stated = test.loc["stated"]
    assert stated["cn_early"] == pytest.approx(0.25) and stated["cn_late"] == pytest.approx(0.8)
    assert stated["us_early"] == pytest.approx(0.5) and stated["us_late"] == pytest.approx(0.5)
    assert stated["did"] == pytest.approx(0.55) and stated["p"] < 0.001 and stated["ci_low"] > 0
    # a change in China's share of all entries alone does not move the comparison: double China's
    # late entries at the same openness, and the difference in differences stays the same
    doubled = table.copy()
    late_cn = (doubled["year"] == 2024) & (doubled["origin"] == "CN")
    doubled.loc[late_cn, "models"] *= 2
    assert ep.epoch_open_did(doubled, (2017, 2022), 2024).loc["stated", "did"] == pytest.approx(0.55)
    least = test.loc["least for China"]  # 20 unstated Chinese counted open early, 50 U.S. open late
    assert least["cn_early"] == pytest.approx(30 / 60) and least["us_late"] == pytest.approx(110 / 170)
    assert least["cn_early_n"] == 60 and least["us_late_n"] == 170
    assert test.loc["most for China", "cn_early"] == pytest.approx(10 / 60)


def test_open_did_standard_error_and_empty_periods() -> None:
    got = ep.open_did((10, 40), (90, 180), (40, 50), (60, 120))
    se = math.sqrt(.25 * .75 / 40 + .5 * .5 / 180 + .8 * .2 / 50 + .5 * .5 / 120)
    assert got["ci_high"] - got["did"] == pytest.approx(1.959964 * se, rel=1e-5)
    with pytest.raises(common.EmptySelection, match="no model of known access"):
        ep.open_did((0, 0), (1, 2), (1, 2), (1, 2))


@pytest.mark.parametrize(("did", "p", "word"), [
    (0.2, 0.01, "rose more for China than for the U.S."),
    (-0.2, 0.01, "rose less (or fell more) for China than for the U.S."),
    (0.2, 0.2, "did not move significantly differently for China and the U.S."),
    (-0.2, 0.2, "did not move significantly differently for China and the U.S."),
])
def test_epoch_did_word_covers_every_sign_and_significance(did: float, p: float, word: str) -> None:
    assert A.epoch_did_word(pd.Series({"did": did, "p": p})) == word


@pytest.mark.parametrize(("mde", "pre", "word"), [(3.7, 4.2, "uninformative"), (1.0, 4.2, "informative"),
                                                  (2.1, 4.2, "uninformative"), (1.0, 0.0, "uninformative")])
def test_a_design_that_detects_only_effects_near_the_pre_mean_is_uninformative(mde, pre, word) -> None:
    assert ("informative" if gh.informative(mde, pre) else "uninformative") == word
    row = pd.Series({"coef": 0.1, "p used": 0.9})
    text = gh.conclusion(row, mde, pre)
    assert ("is uninformative" in text) == (word == "uninformative")
    assert "do not support" not in text  # a non-significant estimate is never evidence against the claim


def test_model_repositories_are_classified_by_base_model() -> None:
    kinds = pd.DataFrame({"repo": ["ymcui/Chinese-LLaMA-Alpaca", "QwenLM/Qwen", "langgenius/dify"],
                          "kind": ["model", "model", "infrastructure"], "reason": "x" * 8})
    base = gh.read_model_base(REPO, gh.read_repo_kind(REPO))
    flows = pd.DataFrame({"repo": kinds["repo"], "origin": ["CN", "CN", "CN"], "flow": [1.0, 1.0, 1.0]})
    out = gh.with_base_origin(flows, kinds, base)
    # a Chinese owner's Llama fine-tune counts as U.S.; Qwen stays Chinese; infrastructure keeps its owner
    assert out["origin"].tolist() == ["US", "CN", "CN"] and out["owner_origin"].tolist() == ["CN"] * 3
    assert base.set_index("repo").loc["ymcui/Chinese-LLaMA-Alpaca", "base_family"] == "Llama"


def test_every_model_repository_has_a_base_model_with_a_reason(tmp_path: Path) -> None:
    kinds = gh.read_repo_kind(REPO)
    base = gh.read_model_base(REPO, kinds)
    assert set(kinds.loc[kinds["kind"] == "model", "repo"]) <= set(base["repo"])
    (tmp_path / "data/curated").mkdir(parents=True)
    base.iloc[1:].to_csv(tmp_path / MODEL_REPO_BASE, index=False)
    with pytest.raises(DataError, match=r"not in data/curated/model_repo_base\.csv"):
        gh.read_model_base(tmp_path, kinds)


SIG, NOT = "statistically significant", "not statistically significant"


@pytest.mark.parametrize(("coef", "p", "direction", "significance"), [
    (1.0, 0.01, "rose", SIG), (-1.0, 0.01, "fell", SIG), (1.0, 0.5, "rose", NOT),
    (-1.0, 0.5, "fell", NOT), (0.0, 0.5, "did not change", NOT),
])
def test_significance_words_use_the_p_value_used(coef: float, p: float, direction: str,
                                                 significance: str) -> None:
    row = pd.Series({"coef": coef, "p": 0.999, "p used": p})
    assert A.pooled_words(row) == (direction, significance)


# --------------------------------------------------------------------------- the second top-100 list

def _stocks(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["date", "repo", "forks"])
    return out.assign(date=pd.to_datetime(out["date"]), stars=out["forks"] * 10)


def test_stock_flows_bridge_short_gaps_and_not_long_ones() -> None:
    daily = _stocks([("2022-01-01", "a/x", 10), ("2022-01-02", "a/x", 14),    # 4 a day
                     ("2022-01-05", "a/x", 20),                               # 6 over 3 days: 2 a day
                     ("2022-02-01", "a/x", 90),                               # a 27-day gap: no flow
                     ("2022-02-02", "a/x", 89)])                              # a net loss is kept
    flows = gh.stock_flows(daily, "forks")
    assert flows["flow"].tolist() == [4.0, 2.0, -1.0] and flows["gap"].tolist() == [1, 3, 1]


def test_shock_coverage_counts_origins_on_both_sides(owners) -> None:
    days = pd.date_range("2022-07-01", "2022-09-30")
    rows = [(str(d.date()), "huggingface/transformers", i) for i, d in enumerate(days)]
    rows += [(str(d.date()), "microsoft/DeepSpeed", i) for i, d in enumerate(days[62:66])]  # September only
    flows = gh.with_origin(gh.stock_flows(_stocks(rows), "forks"), owners)
    cov = gh.shock_coverage(flows, [pd.Timestamp("2022-08-09")], 20)
    assert cov.loc[("2022-08-09", "other"), "both sides"] == 1
    us = cov.loc[("2022-08-09", "US")]
    assert us["repositories"] == 1 and us["both sides"] == 0
    assert cov.loc[("2022-08-09", "CN"), "repositories"] == 0 and not gh.comparable(cov, "2022-08-09")
    with pytest.raises(DataError, match="nobody-knows"):
        gh.with_origin(pd.DataFrame({"repo": ["nobody-knows/x"]}), owners)


def test_around_keeps_the_weeks_near_the_shocks() -> None:
    weekly = pd.DataFrame({"week": pd.date_range("2022-01-03", periods=60, freq="W-MON"), "flow": 1.0})
    got = gh.around(weekly, [pd.Timestamp("2022-08-09"), pd.Timestamp("2022-10-07")], 4)
    assert got["week"].min() >= pd.Timestamp("2022-07-12") and got["week"].max() < pd.Timestamp("2022-11-04")
    assert len(got) == 16  # the Mondays from 2022-07-18 to 2022-10-31


def test_compare_lists_measures_agreement_on_shared_days() -> None:
    first = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
                          "item": common.TOPIC, "repo": "a/x", "forks": [100, 110, 130, 130]})
    second = first.drop(columns="item").assign(forks=[100, 111, 131, 130])
    got = gh.compare_lists(second, first, "forks")
    assert got["repo_days"] == 4 and got["stock_equal_share"] == 0.5 and got["flow_pairs"] == 3
    assert got["flow_equal_share"] == pytest.approx(1 / 3)  # flows 10/11, 20/20, 0/-1
    assert 0 < got["flow_corr"] <= 1
    with pytest.raises(common.EmptySelection, match="same day"):
        gh.compare_lists(second.assign(repo="b/y"), first, "forks")


# --------------------------------------------------------------------------- parameters

@pytest.mark.parametrize(("overrides", "message"), [
    ({"start_date": "2025-01-01", "end_date": "2024-01-01"}, "must be before"),
    ({"shocks": "2022-10-07"}, "below the minimum"),
    ({"start_date": "2024-01-01", "shocks": "2023-10-17"}, "outside the date range"),
    ({"end_date": "2024-11-30", "shocks": "2023-10-17"}, "fewer than two Hugging Face crawls"),
    ({"origins": "CN,other"}, "must include CN and US"),
    ({"top_n": "5"}, "below the minimum"),
    ({"metric": "forks"}, "not allowed"),
    ({"balanced": "maybe"}, "not a valid bool"),
    ({"repo_panel": "full"}, "not allowed"),
    ({"repo_kinds": "models"}, "not allowed"),
])
def test_bad_parameters_are_clear_errors(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ParamError, match=message):
        dfp.PARAMS.resolve(overrides)


# --------------------------------------------------------------------------- execution

def _run(project: Project, overrides: dict) -> tuple[dict, float]:
    chapter = get_chapter("diffusion")
    values = chapter.params.resolve(overrides)
    out = project.root / chapter.executed
    t0 = time.perf_counter()
    execute(project, chapter, chapter.params.to_plain(values), out)
    return glued(out), time.perf_counter() - t0


def _check(got: dict) -> None:
    assert 0 <= got["pooled_p"] <= 1 and got["pooled_ci_low"] <= got["pooled_coef"] <= got["pooled_ci_high"]
    assert 0 <= got["cn_share_first"] <= 1 and 0 <= got["cn_share_last"] <= 1
    assert got["acc_flows"] <= got["acc_repo_days"] and got["n_estimable"] >= 1
    by_origin = sum(got[f"owners_{o}"] for o in dfp.OWNER_ORIGINS)
    assert by_origin == got["n_owners"]
    trend_words = {"rose", "fell", "showed no clear trend"}
    assert got["cn_share_word"] in trend_words and got["cn_flow_word"] in trend_words
    assert got["cn_share_trend_ci_low"] <= got["cn_share_trend_slope"] <= got["cn_share_trend_ci_high"]
    assert 0 <= got["pooled_p_used"] <= 1 and got["pooled_mde"] > 0
    assert got["epoch_bounds_agree"] in {"holds", "does not hold"}
    assert got["entry_throughout"] <= got["entry_listed"]


@pytest.mark.slow
def test_diffusion_with_defaults(project: Project) -> None:
    got, _ = _run(project, {})  # how long it takes: `make bench`
    _check(got)
    assert got["n_crawls"] == 11 and got["accounts_first"] == 19 and got["accounts_last"] == 65
    assert got["panel_word"] == "balanced" and got["repo_metric"] == "forks"
    assert got["epoch_last_date"] == "2025-03-14" and got["epoch_full_year"] == 2024
    assert got["kinds_word"] == "model and infrastructure" and got["repo_panel_label"].startswith("every")
    # balanced on publishers, the panel keeps DeepSeek-named models of other publishers (distillations)
    assert got["families_absent"] == "none" and got["fam_deepseek_last"] > 0
    assert got["hub_llm_cn_share"] + got["hub_llm_us_share"] <= 1 and got["hub_llm_cn_reach"] > 0
    assert got["hub_gemma_last"] > got["hub_gemma_first"]  # no model-balanced artefact
    assert 0 <= got["github_model_cn_share"] <= 1 and got["did_informative"] == "uninformative"
    assert got["epoch_open_did_ci_low"] <= got["epoch_open_did"] <= got["epoch_open_did_ci_high"]
    assert got["claim4_alternatives"] == 4
    assert got["ms_deepseek_share_text"].startswith("nothing measurable")
    page = re.sub(r"\{glue:text\}`[^`]*`", "", (REPO / "book/diffusion.md").read_text())
    assert not re.search(r"\d\.\d", page)  # no hand-typed decimals in the prose


@pytest.mark.slow
@pytest.mark.parametrize("name", ["diffusion-full-stars", "diffusion-2024-shock"])
def test_diffusion_with_other_parameter_sets(project: Project, name: str) -> None:
    overrides = read_params_file(project.root / "params" / f"{name}.yml")
    got, _ = _run(project, overrides)
    _check(got)
    values = get_chapter("diffusion").params.resolve(overrides)
    assert got["repo_metric"] == values["repo_metric"]
    assert got["panel_word"] == ("balanced" if values["balanced"] else "full")
    assert got["n_shocks"] == len(values["shocks"])
    if name == "diffusion-2024-shock":
        assert got["epoch_full_year"] == 2023 and got["top_n"] == 50
        assert "no (2023-05-18)" in got["params_table"]


# --------------------------------------------------------------------------- section results

@pytest.fixture(scope="module")
def hub_sections():
    project = Project(REPO)
    p = dfp.PARAMS.resolve({})
    hf = load(project, "hf_models")
    cov = A.coverage_section(hf, p)
    return p, hf, cov


def test_hub_sections_on_the_processed_crawls(hub_sections) -> None:
    p, _hf, cov = hub_sections
    releases = pd.DataFrame({"date": pd.to_datetime([]), "origin": [], "organization": [], "model": []})
    shares = A.origin_section(cov, releases, p)
    values = shares.values()
    assert set(values) == set(A.OriginShares.glue_keys())
    assert values["cn_downloads_last"] == pytest.approx(shares.cn_share_last)  # downloads is the default
    assert shares.cn_share_min <= shares.cn_share_last <= shares.cn_share_max
    assert shares.hub_chart_takeaway.endswith(f"their share {shares.cn_share_word} over the crawls.")
    assert cov.n_crawls == 11 and cov.panel_word == "balanced"
