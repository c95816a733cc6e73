"""Chapter `diffusion`: origin tables, flows, families, the repository-level DiD (against
pyfixest to 1e-6), parameter checks, and execution with defaults and two other parameter sets."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import REPO, glued

from chipshock.chapters.diffusion import analysis as df
from chipshock.chapters.diffusion import parameters as dfp
from chipshock.data.build import load
from chipshock.data.tables import hf_models
from chipshock.errors import DataError, ParamError
from chipshock.params import read_params_file
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter

PROJECT = Project(REPO)


# --------------------------------------------------------------------------- curated origin tables

@pytest.fixture(scope="module")
def owners() -> pd.DataFrame:
    return df.read_owner_origin(REPO)


@pytest.fixture(scope="module")
def llm_owners() -> pd.Series:
    ranking = load(PROJECT, "github_ranking")
    return ranking.loc[ranking["item"] == df.TOPIC, "repo"].str.split("/", n=1).str[0]


def test_every_owner_of_the_llm_list_is_classified_with_a_reason(owners, llm_owners) -> None:
    assert df.unclassified_owners(llm_owners, owners) == []
    assert set(owners["origin"]) <= set(dfp.OWNER_ORIGINS)
    assert (owners["reason"].str.len() >= 8).all()
    unknown = owners[owners["origin"] == "unknown"]
    assert unknown["reason"].str.contains("not verified|not stated|no single|pseudonymous").all()
    assert set(owners["owner"]) == set(llm_owners)  # no stale rows either


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
    path = tmp_path / df.REPO_OWNER_ORIGIN
    path.write_text("owner,origin,reason\nacme,CN,\n")
    with pytest.raises(DataError, match="schema"):
        df.read_owner_origin(tmp_path)
    path.write_text("owner,origin,reason\nAcme,CN,Acme Inc. (Beijing)\nacme,US,Acme Inc. (Ohio)\n")
    with pytest.raises(DataError, match="acme"):
        df.read_owner_origin(tmp_path)
    path.unlink()
    with pytest.raises(DataError, match="missing"):
        df.read_owner_origin(tmp_path)


def test_an_unlisted_owner_is_a_clear_error(owners) -> None:
    ranking = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]), "item": [df.TOPIC],
                            "repo": ["nobody-knows/thing"], "rank": [1], "stars": [1], "forks": [1]})
    p = dfp.PARAMS.resolve({})
    with pytest.raises(DataError, match="nobody-knows"):
        df.ranking_panel(ranking, owners, p)


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
    assert df.families(pd.Series([model_id]))["family"].iloc[0] == family


def _hub(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["crawl_date", "account", "model_id", "total_downloads"]).assign(
        crawl_date=lambda x: pd.to_datetime(x["crawl_date"]), origin="CN")


def test_balance_keeps_accounts_and_models_present_in_every_crawl() -> None:
    panel = _hub([("2025-01-01", "a", "a/1", 1), ("2025-02-01", "a", "a/1", 2), ("2025-02-01", "a", "a/2", 2),
                  ("2025-01-01", "b", "b/1", 1), ("2025-02-01", "c", "c/1", 1)])
    assert sorted(df.balance(panel)["model_id"].unique()) == ["a/1"]


def test_modelscope_flows_use_consecutive_crawls_and_the_running_maximum() -> None:
    panel = _hub([("2025-01-01", "a", "a/1", 100), ("2025-01-31", "a", "a/1", 160),
                  ("2025-03-02", "a", "a/1", 10), ("2025-04-01", "a", "a/1", 190),   # a dip and a return
                  ("2025-03-02", "a", "a/2", 50), ("2025-04-01", "a", "a/2", 80)])  # a new model
    panel = pd.concat([panel, df.families(panel["model_id"])], axis=1)
    flows = df.modelscope_flows(panel).set_index(["model_id", "crawl_date"])
    assert flows.loc[("a/1", pd.Timestamp("2025-01-31")), "delta"] == 60
    assert flows.loc[("a/1", pd.Timestamp("2025-03-02")), "delta"] == 0  # the dip subtracts nothing
    assert flows.loc[("a/1", pd.Timestamp("2025-04-01")), "delta"] == 30  # and adds back nothing
    assert bool(flows.loc[("a/1", pd.Timestamp("2025-03-02")), "dip"])
    assert ("a/2", pd.Timestamp("2025-03-02")) not in flows.index  # entry is not a flow
    assert flows.loc[("a/2", pd.Timestamp("2025-04-01")), "per_30_days"] == pytest.approx(30.0)


def test_china_share_by_origin() -> None:
    panel = pd.DataFrame({"crawl_date": pd.to_datetime(["2025-01-01"] * 3), "origin": ["CN", "US", "US"],
                          "downloads_last_month": [1, 2, 1]})
    assert df.china_share(df.by_origin(panel, "downloads_last_month")).iloc[0] == pytest.approx(0.25)


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
    flows = df.daily_flows(panel, "forks")
    got = {(r.repo, r.date.strftime("%m-%d")): r.flow for r in flows.itertuples()}
    assert got == {("a/x", "01-02"): 3.0, ("a/x", "01-05"): 1.0, ("b/y", "01-03"): 4.0}
    acc = df.flow_accounting(panel, flows)
    assert acc["entries"] == 2 and acc["re_entries_or_gaps"] == 1 and acc["flows"] == 3


def test_recount_days_are_flagged() -> None:
    rows = []
    for i in range(10):
        rows += [("2024-01-01", f"o/r{i}", 100), ("2024-01-02", f"o/r{i}", 100 - (i < 4) * 50 + (i >= 4))]
    flows = df.daily_flows(_ranking(rows), "forks")
    assert flows["revision"].all()  # 4 of 10 repositories lost forks on the same day
    assert df.weekly_panel(flows).empty


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
    rd = df.RepoDesign(window=10, balanced=False, estimator="ols_level")
    shocks = [pd.Timestamp("2024-03-25"), pd.Timestamp("2024-05-06")]
    data = df.repo_stack(weekly, shocks, rd)
    fit = df.repo_did(data)
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
    rd = df.RepoDesign(window=12, balanced=False, estimator="ols_asinh")
    table = df.event_study(weekly, rd, "2024-04-01").set_index("rel")
    data = df.repo_stack(weekly, [pd.Timestamp("2024-04-01")], rd)
    data = data.assign(bin=np.floor_divide(data["rel"], df.EVENT_BIN))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.feols("y ~ i(bin, treated, ref=-1) | repo^shock + week^shock", data, vcov={"CRV1": "repo"})
    ours = table.drop(index=-1)
    np.testing.assert_allclose(np.sort(ours["coef"]), np.sort(ref.coef().to_numpy()), atol=1e-6)
    np.testing.assert_allclose(np.sort(ours["se"]), np.sort(ref.se().to_numpy()), atol=1e-6)
    assert table.loc[-1, "coef"] == 0 and 0 <= table["pretrend_p"].iloc[0] <= 1


def test_did_recovers_the_simulated_effect() -> None:
    weekly = simulated_repos(seed=11, repos=80)
    rd = df.RepoDesign(window=10, balanced=False, estimator="ols_level")
    table = df.did_table(weekly, rd, ["2024-04-01"])
    assert table.loc["2024-04-01", "ci_low"] < 1.5 < table.loc["2024-04-01", "ci_high"]


def test_balanced_windows_keep_only_repositories_present_every_week() -> None:
    weekly = simulated_repos()
    rd = df.RepoDesign(window=6, balanced=True, estimator="ols_level")
    data = df.repo_stack(weekly, [pd.Timestamp("2024-04-01")], rd)
    assert (data.groupby("repo").size() == 12).all()


def test_a_shock_without_both_sides_is_not_estimable() -> None:
    weekly = simulated_repos()
    weekly = weekly[weekly["origin"] == "US"]
    rd = df.RepoDesign(window=6, balanced=False, estimator="ols_level")
    ident = df.identification(weekly, rd, [pd.Timestamp("2024-04-01")])
    assert not ident["estimable"].any()
    with pytest.raises(df.NoEstimableShock, match="no shock can be estimated"):
        raise df.NoEstimableShock(ident)


# --------------------------------------------------------------------------- Epoch AI

def test_epoch_counts_joint_models_for_both_sides() -> None:
    epoch = pd.DataFrame({
        "export": "2025-03", "model": ["a", "b", "c", "d"],
        "country": ["China", "United States of America,China", "Hong Kong,China", "France"],
        "publication_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2023-03-01", "2024-01-01"]),
        "open_weights": pd.array([True, True, pd.NA, False], dtype="boolean")})
    table = df.epoch_by_year(epoch, "2025-03").set_index(["year", "origin", "access"])["models"]
    assert table[(2024, "CN", "open weights")] == 2 and table[(2024, "US", "open weights")] == 1
    assert table[(2023, "CN", "access not stated")] == 1 and table[(2024, "US", "closed")] == 0


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


@pytest.mark.slow
def test_diffusion_with_defaults(project: Project) -> None:
    got, seconds = _run(project, {})
    _check(got)
    assert seconds < 60
    assert got["n_crawls"] == 11 and got["accounts_first"] == 19 and got["accounts_last"] == 65
    assert got["panel_word"] == "balanced" and got["repo_metric"] == "forks"
    assert got["epoch_last_date"] == "2025-03-14" and got["epoch_full_year"] == 2024
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
