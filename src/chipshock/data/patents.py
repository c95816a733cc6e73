"""`chipshock data patents`: count U.S. patents and pre-grant applications that name a model family.

Two sources, one dictionary (`chipshock.data.dictionaries.MODEL_FAMILIES`, as for the papers):

- **bulk**: the USPTO PatentsView bulk text tables, zipped TSVs downloaded from
  ``https://s3.amazonaws.com/data.patentsview.org/`` (granted patents: ``brief-summary-text/
  g_brf_sum_text_<year>.tsv.zip``, ``claims/g_claims_<year>.tsv.zip``, optionally ``detail-description-text/
  g_detail_desc_text_<year>.tsv.zip`` (the full descriptions) and ``download/
  g_assignee_disambiguated.tsv.zip``; pre-grant applications: ``pregrant_publications/
  pg_brf_sum_text_<year>.tsv.zip``, ``pg_claims_<year>.tsv.zip``, ``pg_assignee_disambiguated.tsv.zip``).
  Each file is read as a stream (zip member → TSV rows), never loaded whole; only the ids of
  matching documents are kept. The year is the file's year (grant year, or publication year).
- **api**: the PatentSearch API (``https://search.patentsview.org/api/v1/patent/`` or
  ``publication/``) with the user's key in the ``X-Api-Key`` header: a full-text query on title and
  abstract per family, paged, each hit re-checked with the dictionary's regular expression.

The output is a table of documents by kind, year, family, origin and assignee type, and a table
of how many documents were scanned per year. Nothing is made up: without a download or a key,
there are no counts.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import requests

from chipshock.data.atomic import atomic_path
from chipshock.data.dictionaries import FAMILY_ORIGIN, MODEL_FAMILIES
from chipshock.data.net import CONNECT_TIMEOUT, offline_message, unreachable
from chipshock.errors import DataError, UserError

BULK_BASE = "https://s3.amazonaws.com/data.patentsview.org"
API_BASE = "https://search.patentsview.org/api/v1"
CHUNK = 1 << 16
TIMEOUT = 120
API_PAGE = 1000
MIN_YEAR, MAX_YEAR = 2001, 2030


@dataclass(frozen=True)
class Kind:
    """Granted patents or pre-grant applications: file prefix, id column, folders, API endpoint."""

    name: str
    prefix: str
    id_col: str
    text_folders: dict[str, str]
    assignee_path: str
    endpoint: str
    api_id: str
    api_date: str
    api_title: str
    api_abstract: str
    result_key: str


KINDS = {
    "granted": Kind("granted", "g", "patent_id",
                    {"brf_sum": "brief-summary-text", "claims": "claims",
                     "detail_desc": "detail-description-text"},
                    "download/g_assignee_disambiguated.tsv.zip",
                    "patent", "patent_id", "patent_date", "patent_title", "patent_abstract", "patents"),
    "pregrant": Kind("pregrant", "pg", "pgpub_id",
                     {"brf_sum": "pregrant_publications", "claims": "pregrant_publications",
                      "detail_desc": "pregrant_publications"},
                     "pregrant_publications/pg_assignee_disambiguated.tsv.zip",
                     "publication", "document_number", "publication_date", "publication_title",
                     "publication_abstract", "publications"),
}
# section → (file stem after the prefix, text column)
# detail_desc: the full description, where an invention names the model it builds on (much larger files
# than the other sections; the text an abstract-only count cannot replace).
SECTIONS = {"brf_sum": ("brf_sum_text", "summary_text"), "claims": ("claims", "claim_text"),
            "detail_desc": ("detail_desc_text", "description_text")}
ASSIGNEE_TYPES = {
    "2": "U.S. company", "3": "foreign company", "4": "U.S. individual", "5": "foreign individual",
    "6": "U.S. government", "7": "foreign government", "8": "U.S. county government",
    "9": "U.S. state government",
}
UNASSIGNED = "unassigned"
# Words for the API's full-text search (`_text_any`); every hit is re-checked with the dictionary.
API_TERMS = {
    "qwen": "qwen qwen2 qwen2.5 qwen3 qwq", "deepseek": "deepseek", "chatglm": "chatglm glm",
    "yi": "yi", "internlm": "internlm internvl", "baichuan": "baichuan baichuan2", "minicpm": "minicpm",
    "kimi": "kimi", "llama": "llama llama2 llama3 codellama", "gemma": "gemma", "phi": "phi",
    "olmo": "olmo", "gpt_oss": "gpt-oss", "gpt": "gpt chatgpt instructgpt", "claude": "claude",
    "mistral": "mistral mixtral", "falcon": "falcon",
}
COUNT_COLUMNS = ["kind", "year", "family", "origin", "assignee_type", "documents"]
TOTAL_COLUMNS = ["kind", "year", "documents_scanned", "documents_any_family", "documents_cn_family"]


@dataclass(frozen=True)
class PatentCounts:
    """Documents per kind, year, family, origin and assignee type; documents scanned per year."""

    counts: pd.DataFrame
    totals: pd.DataFrame


# --- reading -----------------------------------------------------------------------------------------------

def _raise_field_limit() -> None:
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


def iter_tsv_zip(path: Path) -> Iterator[dict[str, str]]:
    """The rows of the one .tsv member of a PatentsView zip, as dicts, streamed (quoted fields may
    hold tabs and newlines)."""
    _raise_field_limit()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"{path} is not a readable zip file ({exc}); delete it and download it again "
                        "with `chipshock data patents`") from None
    with archive:
        members = [m for m in archive.namelist() if m.endswith(".tsv")]
        if len(members) != 1:
            raise DataError(f"{path} should hold exactly one .tsv file, found {members or 'none'}")
        with archive.open(members[0]) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            yield from csv.DictReader(text, delimiter="\t", quotechar='"')


def families_in(text: str, families: Iterable[str]) -> set[str]:
    """The families whose dictionary pattern matches `text`."""
    return {f for f in families if MODEL_FAMILIES[f].matches(text)}


def scan_texts(rows: Iterable[dict[str, str]], id_col: str, text_col: str,
               families: list[str]) -> tuple[dict[str, set[str]], set[str]]:
    """Document id → families named in any of its rows; and every id seen."""
    found: dict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()
    for row in rows:
        doc = (row.get(id_col) or "").strip()
        if not doc:
            continue
        seen.add(doc)
        hit = families_in(row.get(text_col) or "", families)
        if hit:
            found[doc] |= hit
    return dict(found), seen


def assignee_label(code: str | None) -> str:
    """PatentsView assignee_type code → label; codes 12-19 (part interest) as their last digit."""
    text = (code or "").strip()
    if not text:
        return UNASSIGNED
    try:
        value = int(float(text))
    except ValueError:
        return UNASSIGNED
    return ASSIGNEE_TYPES.get(str(value % 10), UNASSIGNED)


def assignee_types(rows: Iterable[dict[str, str]], id_col: str, wanted: set[str]) -> dict[str, str]:
    """Document id → the type of its first assignee (lowest assignee_sequence), for wanted ids only."""
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        doc = (row.get(id_col) or "").strip()
        if doc not in wanted:
            continue
        try:
            seq = int(float(row.get("assignee_sequence") or 0))
        except ValueError:
            seq = 0
        if doc not in best or seq < best[doc][0]:
            best[doc] = (seq, assignee_label(row.get("assignee_type")))
    return {doc: label for doc, (_, label) in best.items()}


def tabulate(kind: str, by_year: dict[int, dict[str, set[str]]], scanned: dict[int, int],
             types: dict[str, str]) -> PatentCounts:
    """Counts per family and assignee type (one document once per family), and yearly totals."""
    rows = []
    totals = []
    for year in sorted(scanned):
        found = by_year.get(year, {})
        cell: dict[tuple[str, str], int] = defaultdict(int)
        for doc, fams in found.items():
            for fam in fams:
                cell[(fam, types.get(doc, UNASSIGNED))] += 1
        rows += [{"kind": kind, "year": year, "family": fam, "origin": FAMILY_ORIGIN[fam],
                  "assignee_type": atype, "documents": n} for (fam, atype), n in sorted(cell.items())]
        totals.append({"kind": kind, "year": year, "documents_scanned": scanned[year],
                       "documents_any_family": len(found),
                       "documents_cn_family": sum(1 for f in found.values()
                                                  if any(FAMILY_ORIGIN[x] == "CN" for x in f))})
    counts = pd.DataFrame(rows, columns=COUNT_COLUMNS).astype({"year": "int64", "documents": "int64"})
    return PatentCounts(counts, pd.DataFrame(totals, columns=TOTAL_COLUMNS))


# --- bulk files --------------------------------------------------------------------------------------------

def text_path(kind: str, section: str, year: int) -> str:
    """Path of a yearly text table under the bulk base URL, e.g. claims/g_claims_2023.tsv.zip."""
    k = KINDS[kind]
    stem, _ = SECTIONS[section]
    return f"{k.text_folders[section]}/{k.prefix}_{stem}_{year}.tsv.zip"


def download(url: str, dest: Path, session: requests.Session | None = None,
             log: Callable[[str], None] = print) -> Path:
    """Stream `url` to `dest` (kept if already there); the file takes its name only when complete."""
    if dest.is_file() and dest.stat().st_size > 0:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    http = session or requests.Session()
    log(f"downloading {url}")
    try:
        with http.get(url, stream=True, timeout=(CONNECT_TIMEOUT, TIMEOUT)) as response:
            if response.status_code != 200:
                raise DataError(f"download of {url} failed: HTTP {response.status_code}; check the year "
                                "(PatentsView publishes yearly text tables up to the last full year)")
            with atomic_path(dest) as tmp, open(tmp, "wb") as out:
                for chunk in response.iter_content(CHUNK):
                    out.write(chunk)
    except requests.RequestException as exc:
        if unreachable(exc):
            raise DataError(offline_message(url, exc)) from None
        raise DataError(f"download of {url} failed ({exc.__class__.__name__}); are you online?") from None
    return dest


def count_bulk(kind: str, years: list[int], sections: list[str], families: list[str], cache_dir: Path,
               base_url: str = BULK_BASE, session: requests.Session | None = None,
               log: Callable[[str], None] = print) -> PatentCounts:
    """Download (or reuse) the bulk text tables and count documents naming each family."""
    _check(kind, years, families)
    bad = [s for s in sections if s not in SECTIONS]
    if bad or not sections:
        raise UserError(f"unknown text section(s) {bad}; choose from {', '.join(SECTIONS)}")
    k = KINDS[kind]
    by_year: dict[int, dict[str, set[str]]] = {}
    scanned: dict[int, int] = {}
    for year in years:
        found: dict[str, set[str]] = defaultdict(set)
        seen: set[str] = set()
        for section in sections:
            rel = text_path(kind, section, year)
            path = download(f"{base_url.rstrip('/')}/{rel}", cache_dir / rel, session, log)
            hits, ids = scan_texts(iter_tsv_zip(path), k.id_col, SECTIONS[section][1], families)
            for doc, fams in hits.items():
                found[doc] |= fams
            seen |= ids
        by_year[year], scanned[year] = dict(found), len(seen)
        log(f"{kind} {year}: {len(seen):,} documents scanned, {len(found):,} name a family")
    wanted = set().union(*(set(f) for f in by_year.values())) if by_year else set()
    types: dict[str, str] = {}
    if wanted:
        url = f"{base_url.rstrip('/')}/{k.assignee_path}"
        path = download(url, cache_dir / k.assignee_path, session, log)
        types = assignee_types(iter_tsv_zip(path), k.id_col, wanted)
    return tabulate(kind, by_year, scanned, types)


# --- PatentSearch API --------------------------------------------------------------------------------------

def api_query(kind: str, family: str, year: int) -> dict:
    """The PatentSearch query: documents of `year` whose title or abstract has one of the family's words."""
    k = KINDS[kind]
    terms = API_TERMS[family]
    return {"_and": [
        {"_gte": {k.api_date: f"{year}-01-01"}},
        {"_lte": {k.api_date: f"{year}-12-31"}},
        {"_or": [{"_text_any": {k.api_title: terms}}, {"_text_any": {k.api_abstract: terms}}]},
    ]}


def _post(session: requests.Session, url: str, body: dict, key: str, retries: int = 3) -> dict:
    for attempt in range(retries + 1):
        try:
            response = session.post(url, json=body, headers={"X-Api-Key": key, "Accept": "application/json"},
                                    timeout=(CONNECT_TIMEOUT, TIMEOUT))
        except requests.RequestException as exc:
            if unreachable(exc):
                raise DataError(offline_message(url, exc)) from None
            raise DataError(f"PatentSearch API request to {url} failed ({exc.__class__.__name__}); "
                            "are you online?") from None
        if response.status_code == 429 and attempt < retries:
            time.sleep(min(float(response.headers.get("Retry-After", "1") or 1), 60))
            continue
        if response.status_code in (401, 403):
            raise UserError("the PatentSearch API rejected the key (HTTP "
                            f"{response.status_code}); request one at "
                            "https://patentsview.org/apis/keyrequest and pass it in the environment "
                            "variable named by --api-key-env")
        if response.status_code != 200:
            raise DataError(f"PatentSearch API error at {url}: HTTP {response.status_code}: "
                            f"{response.text[:200]}")
        try:
            data = response.json()
        except json.JSONDecodeError:
            raise DataError(f"PatentSearch API at {url} did not answer with JSON") from None
        if data.get("error"):
            raise DataError(f"PatentSearch API error at {url}: {str(data)[:200]}")
        return data
    raise DataError(f"PatentSearch API at {url}: still rate-limited after {retries} retries; try later")


def _first_assignee_type(doc: dict) -> str:
    assignees = doc.get("assignees") or []
    return assignee_label(str(assignees[0].get("assignee_type") or "")) if assignees else UNASSIGNED


def count_api(kind: str, years: list[int], families: list[str], api_key: str, base_url: str = API_BASE,
              session: requests.Session | None = None, log: Callable[[str], None] = print,
              page_size: int = API_PAGE) -> PatentCounts:
    """Query PatentSearch per family and year; keep hits whose title + abstract match the dictionary."""
    _check(kind, years, families)
    if not api_key:
        raise UserError("no PatentSearch API key: set one in the environment variable named by "
                        "--api-key-env (default PATENTSVIEW_API_KEY)")
    k = KINDS[kind]
    http = session or requests.Session()
    url = f"{base_url.rstrip('/')}/{k.endpoint}/"
    fields = [k.api_id, k.api_date, k.api_title, k.api_abstract, "assignees.assignee_type"]
    by_year: dict[int, dict[str, set[str]]] = {y: defaultdict(set) for y in years}
    types: dict[str, str] = {}
    retrieved: dict[int, set[str]] = {y: set() for y in years}
    for year in years:
        for family in families:
            after: str | None = None
            while True:
                options: dict = {"size": page_size}
                if after is not None:
                    options["after"] = after
                body = {"q": api_query(kind, family, year), "f": fields, "s": [{k.api_id: "asc"}],
                        "o": options}
                data = _post(http, url, body, api_key)
                docs = data.get(k.result_key) or []
                for doc in docs:
                    doc_id = str(doc.get(k.api_id))
                    retrieved[year].add(doc_id)
                    text = f"{doc.get(k.api_title) or ''}\n{doc.get(k.api_abstract) or ''}"
                    if MODEL_FAMILIES[family].matches(text):
                        by_year[year][doc_id].add(family)
                        types[doc_id] = _first_assignee_type(doc)
                if len(docs) < page_size:
                    break
                after = str(docs[-1].get(k.api_id))
            log(f"{kind} {year} {family}: {sum(family in f for f in by_year[year].values())} confirmed")
    scanned = {y: len(retrieved[y]) for y in years}  # documents the API returned (not the whole year)
    return tabulate(kind, {y: dict(v) for y, v in by_year.items()}, scanned, types)


def _check(kind: str, years: list[int], families: list[str]) -> None:
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}; choose granted or pregrant")
    if not years or any(not MIN_YEAR <= y <= MAX_YEAR for y in years):
        raise UserError(f"years must be between {MIN_YEAR} and {MAX_YEAR}, got {years}")
    unknown = [f for f in families if f not in MODEL_FAMILIES]
    if unknown or not families:
        raise UserError(f"unknown model families {unknown}; choose from {', '.join(MODEL_FAMILIES)}")


def write_counts(result: PatentCounts, out: Path) -> tuple[Path, Path]:
    """Write the two tables as CSV beside each other: <out> and <out stem>_totals.csv."""
    out.parent.mkdir(parents=True, exist_ok=True)
    totals = out.with_name(f"{out.stem}_totals.csv")
    with atomic_path(out) as tmp:
        result.counts.to_csv(tmp, index=False)
    with atomic_path(totals) as tmp:
        result.totals.to_csv(tmp, index=False)
    return out, totals


# --- a tiny fixture in PatentsView's format (fictional documents, for tests and the chapter) -------------

FIXTURE_YEARS = (2023, 2024)
_FIXTURE_TEXT = {
    # (year, id): (brief summary, [claims]); fictional documents, written for the tests
    (2023, "99000001"): ("A dialogue system fine-tunes Llama 2 on support tickets.",
                         ["1. A method comprising prompting a language model.",
                          "2. The method of claim 1, wherein the model is LLaMA-7B."]),
    (2023, "99000002"): ("Ranking with GPT-4 as a judge.\tTabs and\nnewlines stay inside quotes.",
                         ["1. A system comprising a processor."]),
    (2023, "99000003"): ("A yield-aware philosophy of crop rotation using GLMs.", ["1. A plough."]),
    (2024, "99000004"): ("Distilling Qwen2.5-7B and DeepSeek-R1 into a small on-device model.",
                         ["1. A method of distillation."]),
    (2024, "99000005"): ("A code assistant built on Mistral-7B.",
                         ["1. The assistant of claim 2 using Qwen2-VL for screenshots."]),
    (2024, "99000006"): ("Gemma 2 on a phone.", ["1. A phone."]),
    (2024, "99000007"): ("Queen bee tracking with deep sensors that seek heat.", ["1. A hive."]),
}
_FIXTURE_ASSIGNEES = [  # (id, sequence, type code)
    ("99000001", 0, "2"), ("99000002", 0, "2"), ("99000003", 0, "4"),
    ("99000004", 0, "3"), ("99000004", 1, "2"), ("99000005", 0, "12"), ("99000006", 0, "2"),
]


def _zip_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(path.name.removesuffix(".zip"), buf.getvalue())


def write_fixture(folder: Path, kind: str = "granted") -> list[str]:
    """Write the fictional fixture as PatentsView zipped TSVs under `folder` (the bulk URL layout)."""
    k = KINDS[kind]
    written = []
    for year in FIXTURE_YEARS:
        docs = [(doc, v) for (y, doc), v in _FIXTURE_TEXT.items() if y == year]
        rel = text_path(kind, "brf_sum", year)
        _zip_tsv(folder / rel, [k.id_col, "summary_text"], [[d, s] for d, (s, _) in docs])
        written.append(rel)
        rel = text_path(kind, "claims", year)
        claims = [[d, str(i), c, "", str(i + 1), ""] for d, (_, cs) in docs for i, c in enumerate(cs)]
        _zip_tsv(folder / rel, [k.id_col, "claim_sequence", "claim_text", "dependent", "claim_number",
                                "exemplary"], claims)
        written.append(rel)
    header = [k.id_col, "assignee_sequence", "assignee_id", "disambig_assignee_individual_name_first",
              "disambig_assignee_individual_name_last", "disambig_assignee_organization", "assignee_type",
              "location_id"]
    rows = [[d, str(s), f"a-{d}-{s}", "", "", f"Fixture Org {d[-1]}", t, ""]
            for d, s, t in _FIXTURE_ASSIGNEES]
    _zip_tsv(folder / k.assignee_path, header, rows)
    written.append(k.assignee_path)
    return written
