"""Names of the curated tables and the codes they use: no pandas, so parameter declarations can read them."""

from __future__ import annotations

EVENT_KINDS = (
    "export_control",
    "industrial_policy",
    "ai_strategy",
    "open_source_policy",
    "regulation",
    "standards",
)
STANCES = ("supports", "mentions", "exempts_open", "none")

POLICY_EVENTS = "data/curated/policy_events.csv"
MODEL_RELEASES = "data/curated/model_releases.csv"
MODEL_RELEASES_FROM = "2019-01-01"  # the curated release list covers releases from this day on
REPO_OWNER_ORIGIN = "data/curated/repo_owner_origin.csv"
REPO_KIND = "data/curated/repo_kind.csv"
US_COMPANIES = "data/curated/us_companies.csv"

PAPER_FILES = (
    "3dv/3dv2025",
    "acml/acml2023",
    "acml/acml2024",
    "acmmm/acmmm2024",
    "aistats/aistats2023",
    "aistats/aistats2024",
    "aistats/aistats2025",
    "alt/alt2025",
    "automl/automl2023",
    "automl/automl2024",
    "coling/coling2025",
    "colm/colm2024",
    "colm/colm2025",
    "colt/colt2023",
    "colt/colt2024",
    "corl/corl2023",
    "corl/corl2024",
    "corl/corl2025",
    "icra/icra2023",
    "ijcai/ijcai2023",
    "ijcai/ijcai2024",
    "iros/iros2023",
    "naacl/naacl2024",
    "rss/rss2023",
    "rss/rss2024",
    "rss/rss2025",
    "uai/uai2023",
    "uai/uai2024",
    "wacv/wacv2023",
    "wacv/wacv2024",
    "wacv/wacv2025",
    "www/www2025",
)

# --- the policy chapter's curated tables (schemas and readers in chipshock.data.curated)
OPEN_SOURCE_LABELS = "data/curated/open_source_labels.csv"  # every match of open_source, labelled
THEME_LABELS = "data/curated/theme_labels.csv"  # a labelled sample of the Chinese theme terms
POLICY_FAMILIES = "data/curated/policy_families.csv"  # translations, drafts and versions of one document
POLICY_DATES = "data/curated/policy_dates.csv"  # checked dates of the Chinese AGORA documents
RECALL_LABELS = "data/curated/open_source_recall_labels.csv"  # a seeded sample of unflagged documents, read
HELDOUT_LABELS = "data/curated/open_source_heldout_labels.csv"  # AGORA matches outside the U.S. and China
MODEL_REPO_BASE = "data/curated/model_repo_base.csv"  # model repositories → origin of their base model
