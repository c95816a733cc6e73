"""The policy chapter: selection, shares, tests, extra dictionaries and the document list."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO, glued

from chipshock.chapters.policy import analysis as po
from chipshock.chapters.policy import parameters as pop
from chipshock.errors import DataError, ParamError
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter

MIRROR = REPO.parent / "shared" / "data"


def docs(rows: list[tuple[str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame({
        "agora_id": range(len(rows)), "date": pd.to_datetime([r[0] for r in rows]),
        "jurisdiction": [r[1] for r in rows],
        "level": ["cn_central" if r[1] == "CN" else "us_federal" for r in rows],
        "open_source": [r[2] for r in rows], "open_source_n": [int(r[2]) * 3 for r in rows],
        "word_count": [1000] * len(rows), "has_fulltext": [True] * len(rows),
        "title": [f"Doc <{i}>" for i in range(len(rows))], "authority": ["A"] * len(rows),
        "url": ["https://example.org/x?a=1&b=2"] * len(rows),
        "open_source_fragment": ["…open source…"] * len(rows),
    })


@pytest.mark.parametrize(
    ("name", "hits", "misses"),
    [
        ("open_models", ["open-weight models", "open weights", "开源大模型", "open foundation models",
                         "open-source AI"], ["open source software", "openly discussed", "open modelling"]),
        ("open_source_community",
         ["open source communities", "开源社区", "open-source platforms", "开源基金会"],
         ["open source software", "community colleges", "开源软件"]),
    ],
)
def test_extra_dictionaries(name: str, hits: list[str], misses: list[str]) -> None:
    d = pop.EXTRA_DICTIONARIES[name]
    assert all(d.matches(t) for t in hits), [t for t in hits if not d.matches(t)]
    assert not any(d.matches(t) for t in misses), [t for t in misses if d.matches(t)]


def test_params_need_open_source_and_both_jurisdictions() -> None:
    with pytest.raises(ParamError, match="must include 'open_source'"):
        pop.PARAMS.resolve({"dictionaries": "ecosystem"})
    with pytest.raises(ParamError, match=r"one U\.S\. and one Chinese level"):
        pop.PARAMS.resolve({"jurisdictions": "us_federal,us_state"})


def test_period_labels() -> None:
    dates = pd.Series(pd.to_datetime(["2022-06-30", "2022-07-01"]))
    assert po.period_label(dates, "half-year").tolist() == ["2022-H1", "2022-H2"]
    assert po.period_label(dates, "year").tolist() == ["2022", "2022"]
    assert po.period_start("2022-H2") == pd.Timestamp("2022-07-01")


def test_shares_before_after_and_fisher() -> None:
    d = docs([("2021-01-01", "CN", False), ("2021-06-01", "CN", False), ("2023-01-01", "CN", True),
              ("2023-02-01", "CN", True), ("2021-01-01", "US", False), ("2023-01-01", "US", True)])
    ba = po.before_after(d, [dt.date(2022, 10, 7)], "open_source").set_index("jurisdiction")
    assert ba.loc["CN", "share_before"] == 0 and ba.loc["CN", "share_after"] == 1
    assert ba.loc["CN", "fisher_p"] == pytest.approx(1 / 3)  # 2x2 [[0,2],[2,0]]
    shares = po.shares_by_period(d, "open_source", "year").set_index(["period", "jurisdiction"])
    assert shares.loc[("2023", "CN"), "share"] == 1 and shares.loc[("2023", "CN"), "ci_low"] < 1
    themes = po.themes(d, dt.date(2022, 10, 7), ["open_source"])
    assert themes.loc["open_source", "per_10k_words_after"] == pytest.approx(30.0)


def test_document_list_escapes_and_links() -> None:
    out = po.open_source_list(docs([("2023-01-01", "CN", True), ("2023-01-02", "US", False)]))
    assert "Doc &lt;0&gt;" in out and "Doc &lt;1&gt;" not in out
    assert 'href="https://example.org/x?a=1&amp;b=2"' in out


def test_full_text_dictionaries_without_the_texts_say_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"chipshock data fetch --only agora"):
        po.apply_dictionaries(docs([("2023-01-01", "CN", True)]), ["open_source", "open_models"],
                              Project(tmp_path))


def test_precomputed_dictionaries_need_no_texts(tmp_path: Path) -> None:
    d = docs([("2023-01-01", "CN", True)])
    assert po.apply_dictionaries(d, ["open_source"], Project(tmp_path)) is d


@pytest.mark.slow
@pytest.mark.parametrize("name", [None, "policy-central-yearly", "policy-later-split"])
def test_policy_executes(project: Project, name: str | None) -> None:
    from chipshock.params import read_params_file

    chapter = get_chapter("policy")
    overrides = read_params_file(project.root / "params" / f"{name}.yml") if name else {}
    values = chapter.params.resolve(overrides)
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    got = glued(out)
    assert got["n_cn"] > 0 and got["n_us"] > got["n_cn"]
    assert 0 <= got["cn_os_fisher_p"] <= 1 and got["split_date"] == values["split_date"].isoformat()
    assert got["verdict"].startswith(("It supports", "Chinese documents"))


@pytest.mark.slow
def test_full_text_dictionaries_execute_with_the_raw_texts(project: Project) -> None:
    if not (MIRROR / "policy/agora/fulltext.jsonl.gz").is_file():
        pytest.skip(f"needs the data mirror at {MIRROR} for the AGORA full texts")
    raw = project.root / "data/raw/policy/agora"
    raw.mkdir(parents=True)
    shutil.copy2(MIRROR / "policy/agora/fulltext.jsonl.gz", raw / "fulltext.jsonl.gz")
    from chipshock.params import read_params_file

    chapter = get_chapter("policy")
    values = chapter.params.resolve(read_params_file(project.root / "params/policy-open-models.yml"))
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    assert "open_models" in glued(out)["themes_table"]
