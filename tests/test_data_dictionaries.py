"""Coding dictionaries, model-family patterns, domain classes and the curated lookup tables."""

from __future__ import annotations

import pandas as pd
import pytest
from data_fixtures import MIRROR, REPO

from chipshock.data.dictionaries import MODEL_FAMILIES, POLICY_DICTIONARIES
from chipshock.data.domains import DOMAIN_CLASSES, classify_domain
from chipshock.data.tables import hf_models, papers
from chipshock.data.tables.epoch_models import open_weights
from chipshock.data.tables.papers import CompanyMatcher, mention_flags, read_us_companies
from chipshock.data.tables.policy_documents import authority_level

POLICY_CASES = {
    "open_source": (
        [
            "support open-source AI",
            "open source software",
            "release open weights",
            "open-weight models",
            "open models",
            "openly available models",
            "鼓励开源",
            "开放源代码",
        ],
        ["open the source file", "an open sourcing contract", "opened", "sources of open data",
         "开源节流", "开放数据", "源代码"],
    ),
    "ecosystem": (
        ["the AI ecosystem", "industrial chain", "supply chains", "产业生态"],
        ["economic systems", "eco-friendly", "生产", "态度"],
    ),
    "standards": (
        ["technical standards", "standardization", "benchmarks", "国家标准"],
        ["standing committee", "outstanding", "标志", "准备"],
    ),
    "resilience": (
        ["supply chain resilience", "self-reliance", "self-sufficient", "自主可控"],
        ["resign", "reliable", "自主学习", "安全生产"],
    ),
    "compute_chips": (
        ["advanced semiconductors", "AI chips", "GPUs", "computing power", "export controls", "芯片", "算力"],
        ["chipmunk", "computer science", "potato chipsets", "计算机", "导体"],
    ),
}


@pytest.mark.parametrize("name", sorted(POLICY_CASES))
def test_policy_dictionary_matches(name):
    dictionary = POLICY_DICTIONARIES[name]
    yes, no = POLICY_CASES[name]
    for text in yes:
        assert dictionary.matches(text), (name, text)
    for text in no:
        assert not dictionary.matches(text), (name, text)


def test_policy_dictionaries_are_named_and_versioned():
    names = {"open_source", "ecosystem", "standards", "resilience", "compute_chips"}
    assert set(POLICY_DICTIONARIES) == names
    for d in POLICY_DICTIONARIES.values():
        assert d.version and d.english and d.chinese
    assert POLICY_DICTIONARIES["open_source"].count("open source and open-source, 开源") == 3


FAMILY_CASES = {
    "qwen": (["Qwen2.5-7B", "we fine-tune QwQ-32B", "qwen"], ["queen", "Qwerty"]),
    "deepseek": (["DeepSeek-R1", "Deepseek V3", "deep-seek"], ["we seek deep features"]),
    "chatglm": (["ChatGLM-6B", "GLM-4", "GLM-130B"], ["generalized linear models (GLMs)", "a GLM", "glm-4"]),
    "yi": (["Yi-34B", "Yi-Lightning", "Yi-VL"], ["yield", "Yi", "Yi Zhang et al.", "yi-34b"]),
    "internlm": (["InternLM2", "InternVL"], ["internal"]),
    "baichuan": (["Baichuan2-13B"], ["Bai chuan"]),
    "minicpm": (["MiniCPM-V"], ["mini CPM"]),
    "kimi": (["Kimi k1.5", "Kimi-VL"], ["kimono", "Kimiko"]),
    "llama": (["Llama 2", "LLaMA-7B", "Llama-3.1", "CodeLlama", "TinyLlama"], ["llamas grazing", "ollama"]),
    "gemma": (["Gemma-2B", "Gemma 2", "PaliGemma"], ["gemmation", "Gemmell"]),
    "phi": (["Phi-3", "phi-2", "Phi-3.5-mini"], ["philosophy", "the map phi", "Phi", "phi-divergence"]),
    "olmo": (["OLMo-7B", "OLMoE", "OLMo 2"], ["Olmos"]),
    "gpt_oss": (["gpt-oss-120b", "GPT-OSS"], ["GPT-4", "gpt"]),
    "gpt": (
        ["GPT-4", "GPT-3.5", "ChatGPT", "GPT-4o", "GPT-2", "InstructGPT"],
        ["GPT", "GPT-style models", "GPTQ quantization", "gpt-oss-20b", "NanoGPTs"],
    ),
    "claude": (["Claude 3 Opus", "Claude-2"], ["Claude Shannon", "Claude E. Shannon", "claude"]),
    "mistral": (["Mistral-7B", "Mixtral 8x7B"], ["mistrial"]),
    "falcon": (
        ["Falcon-40B", "Falcon 180B", "Falcon-H1", "Falcon LLM", "Falcon-40b", "the Falcon family",
         "LLaMA2, Vicuna, Falcon, and MPT", "OPT, LLaMA-2 and Falcon", "Llama, Falcon, and Mistral"],
        ["a DJI Falcon drone", "Falcon 9 rocket", "falcon-40b", "the Peregrine Falcon, and hawks",
         "Llama herders saw a Falcon", "Falcon Heavy"],
    ),
}


@pytest.mark.parametrize("name", sorted(FAMILY_CASES))
def test_model_family_patterns(name):
    dictionary = MODEL_FAMILIES[name]
    yes, no = FAMILY_CASES[name]
    for text in yes:
        assert dictionary.matches(text), (name, text)
    for text in no:
        assert not dictionary.matches(text), (name, text)


def test_family_flags_by_origin():
    flags = mention_flags("We compare Qwen2 with Llama-3 and Mistral-7B.")
    assert flags["mentions_qwen"] and flags["mentions_llama"] and flags["mentions_mistral"]
    assert flags["mentions_cn_family"] and flags["mentions_us_family"] and flags["mentions_other_family"]
    none = mention_flags("A yield-aware philosophy of GLMs.")
    assert not any(none.values())


@pytest.mark.parametrize(
    ("domain", "cls"),
    [
        ("qq.com", "cn_webmail"),
        ("163.com", "cn_webmail"),
        ("126.com", "cn_webmail"),
        ("foxmail.com", "cn_webmail"),
        ("alibaba-inc.com", "cn_company"),
        ("bytedance.com", "cn_company"),
        ("modelbest.cn", "cn_company"),
        ("buaa.edu.cn", "cn_edu"),
        ("mails.tsinghua.edu.cn", "cn_edu"),
        ("pjlab.org.cn", "cn_edu"),
        ("other.cn", "cn_other"),
        ("example.com.cn", "cn_other"),
        ("nvidia.com", "us_company"),
        ("fb.com", "us_company"),
        ("login-eos01.eos.clusters.nvidia.com", "us_company"),
        ("stanford.edu", "us_edu"),
        ("cs.cmu.edu", "us_edu"),
        ("other.edu", "us_edu"),
        ("u.nus.edu", "other"),
        ("users.noreply.github.com", "noreply"),
        ("gmail.com", "webmail"),
        ("outlook.com", "webmail"),
        ("protonmail.com", "webmail"),
        ("other.com", "other"),
        ("other.misc", "other"),
        ("huggingface.co", "other"),
        ("github.com", "other"),
        ("", "empty"),
        ("  ", "empty"),
        ("GMAIL.COM", "webmail"),
    ],
)
def test_domain_classes(domain, cls):
    assert classify_domain(domain) == cls
    assert cls in DOMAIN_CLASSES


def test_authority_levels():
    assert authority_level("United States Congress", "United States", "Federal government") == "us_federal"
    assert authority_level("California", "United States", "State governments") == "us_state"
    assert authority_level("Seattle, WA", "United States", "Local governments") == "us_local"
    assert authority_level("Federal government", "United States", "") == "us_federal"
    assert authority_level("Chinese central government", "China", "") == "cn_central"
    assert authority_level("Chinese provincial and local governments", "China", "") == "cn_provincial"
    assert authority_level("European Union", "Multinational", "") == "other"
    assert authority_level("Private-sector companies", "", "") == "other"


def test_open_weights_flag():
    acc = pd.Series(
        ["Open weights (unrestricted)", "Open weights (non-commercial)", "API access", "Unreleased", ""]
    )
    assert open_weights(acc).tolist() == [True, True, False, False, pd.NA]


def test_publisher_origin_table():
    table = hf_models.read_publisher_origin(REPO)
    assert set(table["origin"]) <= {"CN", "US", "other"}
    assert table["source"].str.len().min() >= 10
    lookup = {(r.platform, r.account): r.origin for r in table.itertuples()}
    assert lookup[("HuggingFace", "deepseek-ai")] == "CN"
    assert lookup[("HuggingFace", "meta-llama")] == "US"
    assert lookup[("HuggingFace", "mistralai")] == "other"
    assert lookup[("ModelScope", "Qwen")] == "CN"


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"data mirror {MIRROR} not present")
def test_every_org_links_account_is_classified():
    table = hf_models.read_publisher_origin(REPO)
    have = set(zip(table["platform"], table["account"], strict=True))
    missing = hf_models.org_accounts(MIRROR / hf_models.ORG_LINKS) - have
    assert not missing


def test_us_company_matcher():
    match = CompanyMatcher(read_us_companies(REPO))
    assert match("cs.stanford.edu;google.com", "")
    assert match("research.google.com", "")
    assert match("", "Stanford University;Microsoft Research Asia")
    assert match("", "Meta AI")
    assert not match("stanford.edu;tsinghua.edu.cn", "Stanford University;Tsinghua University")
    assert not match("notgoogle.com", "Googleplex University")  # no partial names or domains
    assert not match("", "Meta-learning Lab, Peking University")
    assert not match("alibaba-inc.com", "Alibaba Group")


def test_us_company_names_per_paper():
    match = CompanyMatcher(read_us_companies(REPO))
    assert match.companies("research.google.com;stanford.edu", "Microsoft Research Asia;Meta AI") == [
        "Google", "Meta", "Microsoft"]
    assert match.companies("ox.ac.uk+fb.com", "University of Oxford") == ["Meta"]
    assert match.companies("notgoogle.com;tsinghua.edu.cn", "Googleplex University;Meta-learning Lab") == []


def test_us_companies_table_shape():
    table = read_us_companies(REPO)
    assert {"domain", "name"} == set(table["kind"])
    assert not table.duplicated(["kind", "value"]).any()
    assert papers.US_COMPANIES == "data/curated/us_companies.csv"
