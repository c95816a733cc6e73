"""The hand-curated fact tables in data/curated/: each declared once here, with its schema and reader.

Every reader returns a validated frame or raises DataError naming the file and the fix. Tables of one
chapter whose allowed codes are that chapter's own (the diffusion chapter's owner origins and
repository kinds) take those codes as an argument, so that this module stays below the chapters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data import reads
from chipshock.data.catalog import (
    EVENT_KINDS,
    HELDOUT_LABELS,
    MODEL_RELEASES,
    MODEL_REPO_BASE,
    OPEN_SOURCE_LABELS,
    POLICY_DATES,
    POLICY_EVENTS,
    POLICY_FAMILIES,
    RECALL_LABELS,
    REPO_KIND,
    REPO_OWNER_ORIGIN,
    STANCES,
    THEME_LABELS,
)
from chipshock.data.dictionaries import CONTEXT_CHARS
from chipshock.errors import DataError
from chipshock.paths import Project

REPO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$"  # owner/name on GitHub

_URL = pa.Check.str_matches(r"^https?://\S+$")
_DAY = pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")
_REASON = pa.Check.str_length(min_value=5)


def read_checked_csv(root: Path, rel: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """A committed curated CSV (all columns text) validated by `schema`; DataError naming the fix."""
    path = reads.use(root, rel)
    if not path.is_file():
        raise DataError(f"{rel} is missing; it is committed with the project: restore it with "
                        f"`git checkout -- {rel}`")
    try:
        return schema.validate(pd.read_csv(path, dtype=str, keep_default_na=False), lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise DataError(f"{rel} does not match its schema ({str(exc).splitlines()[0][:200]}); "
                        f"fix the row it names or restore it with `git checkout -- {rel}`") from None


# --------------------------------------------------------------------------- events and releases

SOURCE_KINDS = {"events": ("primary", "secondary"), "releases": ("publisher", "secondary")}
"""Whether a row's source is the issuer's own (its site, the Federal Register; for a release the
publisher's announcement, model card, repository or paper) or a secondary page kept because no
primary source could be confirmed (flagged)."""

EVENTS_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]"),
        "country": pa.Column(str, pa.Check.isin(["US", "CN"])),
        "actor": pa.Column(str),
        "title": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(EVENT_KINDS)),
        "open_source_stance": pa.Column(str, pa.Check.isin(STANCES)),
        "paper_shock": pa.Column(bool),
        "source_url": pa.Column(str, _URL),
        "note": pa.Column(str, nullable=True),
        "source_kind": pa.Column(str, pa.Check.isin(SOURCE_KINDS["events"])),
    },
    strict=True,
)

RELEASES_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]"),
        "origin": pa.Column(str, pa.Check.isin(["US", "CN", "FR"])),
        "organization": pa.Column(str),
        "model": pa.Column(str),
        "open_weights": pa.Column(bool),
        "license": pa.Column(str),
        "source_url": pa.Column(str, _URL),
        "source_kind": pa.Column(str, pa.Check.isin(SOURCE_KINDS["releases"])),
    },
    strict=True,
)


def _read(project: Project, rel: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    path: Path = reads.use(project.root, rel)
    if not path.is_file():
        raise DataError(
            f"{rel} is missing; it is committed with the project: restore it with `git checkout -- {rel}`"
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
        for col in ("paper_shock", "open_weights"):
            if col in frame:
                frame[col] = frame[col].map({"true": True, "false": False})
        if "note" in frame:
            frame["note"] = frame["note"].replace("", None)
        return schema.validate(frame, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError, ValueError, KeyError) as exc:
        summary = str(exc).splitlines()[0][:300]
        raise DataError(
            f"{rel} does not match its schema ({summary}); "
            f"restore it with `git checkout -- {rel}` or fix the row it names"
        ) from None


def policy_events(project: Project) -> pd.DataFrame:
    """U.S. and Chinese policy events with their open-source stance, sorted by date."""
    return _read(project, POLICY_EVENTS, EVENTS_SCHEMA).sort_values("date", kind="stable")


def model_releases(project: Project) -> pd.DataFrame:
    """Major open-weight model releases by origin, sorted by date."""
    return _read(project, MODEL_RELEASES, RELEASES_SCHEMA).sort_values("date", kind="stable")


# --------------------------------------------------------------------------- the policy chapter

FAMILY_RELATIONS = ("draft", "final", "translation", "version", "reintroduction")
FAMILIES_SCHEMA = pa.DataFrameSchema(
    {"agora_id": pa.Column(int, coerce=True, unique=True), "family": pa.Column(str),
     "relation": pa.Column(str, pa.Check.isin(FAMILY_RELATIONS)),
     "reason": pa.Column(str)}, strict=True)

DATES_SCHEMA = pa.DataFrameSchema(
    {"agora_id": pa.Column(int, coerce=True, unique=True), "agora_date": pa.Column(str, _DAY),
     "date": pa.Column(str, _DAY),
     "evidence": pa.Column(str, pa.Check.isin(["url", "text", "corpus", "reference", "none"])),
     "evidence_date": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$")),
     "note": pa.Column(str)}, strict=True)

SENSES = ("support", "neutral", "risk", "intelligence", "other_sense")
"""Hand labels of an open_source match: `support` (promotes, funds, requires or credits open source),
`neutral` (the software sense without a stance), `risk`, `intelligence`, `other_sense`."""
CORPORA = ("agora", "miit-cac-tc260", "smart-tech-cn-sd")

LABELS_SCHEMA = pa.DataFrameSchema(
    {
        "corpus": pa.Column(str, pa.Check.isin(CORPORA)),
        "doc_id": pa.Column(str),
        "start": pa.Column(int, pa.Check.ge(0), coerce=True),
        "end": pa.Column(int, pa.Check.ge(0), coerce=True),
        "match": pa.Column(str, pa.Check.str_length(min_value=1)),
        "language": pa.Column(str, pa.Check.isin(["en", "zh"])),
        "jurisdiction": pa.Column(str, pa.Check.isin(["US", "CN", "other"])),
        "label": pa.Column(str, pa.Check.isin(SENSES)),
        "reason": pa.Column(str, _REASON),
        "context_start": pa.Column(int, pa.Check.ge(0), coerce=True),
        "context": pa.Column(str, pa.Check.str_length(max_value=CONTEXT_CHARS)),
    },
    strict=True,
    unique=["corpus", "doc_id", "start"],
)

THEME_SCHEMA = pa.DataFrameSchema(
    {
        "dictionary": pa.Column(str, pa.Check.isin(["ecosystem", "standards", "resilience"])),
        "term": pa.Column(str), "term_matches": pa.Column(int, pa.Check.ge(1), coerce=True),
        "corpus": pa.Column(str, pa.Check.isin(CORPORA)), "doc_id": pa.Column(str),
        "start": pa.Column(int, pa.Check.ge(0), coerce=True), "end": pa.Column(int, coerce=True),
        "match": pa.Column(str), "label": pa.Column(str, pa.Check.isin(["theme", "other_sense"])),
        "reason": pa.Column(str, _REASON),
        "context_start": pa.Column(int, pa.Check.ge(0), coerce=True),
        "context": pa.Column(str, pa.Check.str_length(max_value=CONTEXT_CHARS)),
    },
    strict=True,
    unique=["corpus", "doc_id", "start"],
)

RECALL_SCHEMA = pa.DataFrameSchema(
    {
        "corpus": pa.Column(str, pa.Check.isin(CORPORA)),
        "doc_id": pa.Column(str),
        "mentions": pa.Column(str, pa.Check.isin(["yes", "no"])),
        "passage": pa.Column(str, pa.Check.str_length(max_value=CONTEXT_CHARS)),
        "reason": pa.Column(str, _REASON),
    },
    strict=True,
    unique=["corpus", "doc_id"],
)
"""Unflagged documents of the seeded recall sample: does the document speak of open-source software,
code or model weights in a way the dictionary should count (`mentions`), the passage if so, and why."""


def policy_families(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, POLICY_FAMILIES, FAMILIES_SCHEMA)


def policy_dates(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, POLICY_DATES, DATES_SCHEMA)


def open_source_labels(root: Path, rel: str = OPEN_SOURCE_LABELS) -> pd.DataFrame:
    """The labelled passages, checked: schema, and each quotation holds its match where it says."""
    labels = read_checked_csv(root, rel, LABELS_SCHEMA)
    bad = [f"{r.corpus}/{r.doc_id}@{r.start}" for r in labels.itertuples()
           if r.context[r.context_start:r.context_start + len(r.match)] != r.match
           or r.end - r.start != len(r.match)]
    if bad:
        raise DataError(f"{rel}: the quotation does not hold the match at context_start for "
                        f"{', '.join(bad[:5])}; restore the file with `git checkout -- {rel}`")
    return labels


def heldout_labels(root: Path) -> pd.DataFrame:
    """Every match in AGORA's documents outside the U.S. and China, labelled after the sense rules were
    written (a held-out set), checked as `open_source_labels`."""
    return open_source_labels(root, HELDOUT_LABELS)


def theme_labels(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, THEME_LABELS, THEME_SCHEMA)


def recall_labels(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, RECALL_LABELS, RECALL_SCHEMA)


_SMART_TECH_ID = re.compile(r"smart-tech-cn-sd \(((?:central|shandong)-\d+)")


def agora_smart_tech_twins(dates: pd.DataFrame) -> dict[int, str]:
    """AGORA id → the smart-technology document holding the same Chinese text, where the checked-date
    table found it (evidence `corpus`): the same document is counted once."""
    out = {}
    for row in dates.itertuples():
        m = _SMART_TECH_ID.search(row.note) if row.evidence == "corpus" else None
        if m:
            out[int(row.agora_id)] = m.group(1)
    return out


# --------------------------------------------------------------------------- the diffusion chapter

OWNER_SCHEMA_COLUMNS = {
    "owner": pa.Column(str, pa.Check.str_matches(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")),
    "reason": pa.Column(str, pa.Check.str_length(min_value=8)),
}


def repo_owner_origin(root: Path, origins: Sequence[str]) -> pd.DataFrame:
    """The curated GitHub owner → origin table (one row per owner, with its reason), `origin` one of
    `origins`; both spellings of an owner in different cases must agree. For the diffusion chapter."""
    schema = pa.DataFrameSchema({"owner": OWNER_SCHEMA_COLUMNS["owner"],
                                 "origin": pa.Column(str, pa.Check.isin(list(origins))),
                                 "reason": OWNER_SCHEMA_COLUMNS["reason"]}, strict=True, unique=["owner"])
    out = read_checked_csv(root, REPO_OWNER_ORIGIN, schema)
    clash = out.groupby(out["owner"].str.lower())["origin"].nunique()
    if (clash > 1).any():
        raise DataError(f"{REPO_OWNER_ORIGIN} gives two origins to the owner(s) "
                        f"{', '.join(clash.index[clash > 1])} spelt in different cases; make them agree")
    return out


def repo_kind(root: Path, kinds: Sequence[str]) -> pd.DataFrame:
    """The curated repository → kind table (`kind` one of `kinds`), with reasons (diffusion chapter)."""
    schema = pa.DataFrameSchema(
        {"repo": pa.Column(str, pa.Check.str_matches(REPO_PATTERN)),
         "kind": pa.Column(str, pa.Check.isin(list(kinds))),
         "reason": pa.Column(str, pa.Check.str_length(min_value=8))}, strict=True, unique=["repo"])
    return read_checked_csv(root, REPO_KIND, schema)



def model_repo_base(root: Path, origins: Sequence[str]) -> pd.DataFrame:
    """The curated model repository → base model table: the family and origin (one of `origins`) of
    the model each model repository is built on, with a reason (diffusion chapter)."""
    schema = pa.DataFrameSchema(
        {"repo": pa.Column(str, pa.Check.str_matches(REPO_PATTERN)),
         "base_family": pa.Column(str, pa.Check.str_length(min_value=2)),
         "base_origin": pa.Column(str, pa.Check.isin(list(origins))),
         "reason": pa.Column(str, pa.Check.str_length(min_value=8))}, strict=True, unique=["repo"])
    return read_checked_csv(root, MODEL_REPO_BASE, schema)
