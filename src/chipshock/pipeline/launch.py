"""The "Run this chapter yourself" box at the top of every computation page.

The book's repository is configured in one place: `chipshock: repository:` in `_config.yml`
(owner/name on GitHub). The GitHub workflow fills it for its own repository through
$CHIPSHOCK_REPOSITORY, which wins when set. With a repository the box gives the exact clone
command and Binder and Colab buttons that open the chapter's executed notebook on the
`published` branch; without one it says so plainly and still gives the commands to run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import yaml

from chipshock.errors import UserError
from chipshock.paths import Project
from chipshock.pipeline.registry import CHAPTERS

TAG = "chipshock-launch"
ENV = "CHIPSHOCK_REPOSITORY"
BRANCH = "published"  # what `chipshock publish` fills: assemble.PUBLISHED_BRANCH (a test keeps them equal)
OWNER_NAME = re.compile(r"[\w.-]+/[\w.-]+")


def repository(root: Path) -> str | None:
    """owner/name of the book's GitHub repository: $CHIPSHOCK_REPOSITORY, else `_config.yml`'s
    `chipshock: repository:`; None when neither is set."""
    value = os.environ.get(ENV, "").strip()
    source = f"${ENV}"
    if not value:
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        value = str((config.get("chipshock") or {}).get("repository") or "").strip()
        source = "chipshock: repository: in _config.yml"
    return checked_repository(value, source) if value else None


def checked_repository(value: str, source: str) -> str:
    """`value` as owner/name (a GitHub URL is trimmed); UserError naming `source` otherwise."""
    value = value.strip().removeprefix("https://github.com/").removesuffix(".git").strip("/")
    if not OWNER_NAME.fullmatch(value):
        raise UserError(f"{source} is {value!r}; give the GitHub repository as owner/name "
                        "(letters, digits, '.', '-' and '_' only)")
    return value


def links(repo: str, chapter_id: str) -> dict[str, str]:
    """Clone, Binder and Colab addresses for one chapter."""
    notebook = f"computation/{chapter_id}.ipynb"
    return {
        "clone": f"https://github.com/{repo}.git",
        "binder": f"https://mybinder.org/v2/gh/{repo}/{BRANCH}?labpath={notebook}",
        "colab": f"https://colab.research.google.com/github/{repo}/blob/{BRANCH}/{notebook}",
    }


def box(chapter_id: str, repo: str | None) -> str:
    """The box's MyST markdown."""
    run = (f"make book    # install, execute every chapter, build (minutes)\n"
           f".venv/bin/chipshock params {chapter_id}    # what you can change\n"
           f".venv/bin/chipshock run {chapter_id} -p NAME VALUE")
    if repo is None:
        head = ("This build of the book names no repository, so it shows no clone command and no "
                "Binder or Colab button (the book's maintainers turn them on with `chipshock: "
                "repository:` in `_config.yml`). In a copy of the book's repository, run:")
        commands = run
        buttons = ""
    else:
        url = links(repo, chapter_id)
        folder = repo.split("/")[1]
        head = ("On your computer (Python 3.11 or 3.12 and `make`; notes for Windows and macOS in the "
                "{ref}`syllabus <syllabus-setup>`):")
        commands = f"git clone {url['clone']} && cd {folder}\n{run}"
        buttons = ("\n\nOr in the browser, without installing anything: "
                   f'<a class="chipshock-launch-button" href="{url["binder"]}">Open in Binder</a> '
                   f'<a class="chipshock-launch-button" href="{url["colab"]}">Open in Colab</a>')
    return (f":::{{admonition}} Run this chapter yourself\n:class: tip chipshock-launch\n{head}\n\n"
            f"```bash\n{commands}\n```{buttons}\n:::")


def with_box(nb: nbformat.NotebookNode, chapter_id: str, repo: str | None) -> nbformat.NotebookNode:
    """The notebook with the box after its title cell (replacing an earlier box)."""
    nb.cells = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]
    cell = nbformat.v4.new_markdown_cell(box(chapter_id, repo))
    cell.id = f"{TAG}-{chapter_id}"  # a fixed id: a rebuild with nothing changed rewrites nothing
    cell.metadata["tags"] = [TAG]
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    nb.cells.insert(first + 1, cell)
    return nb


def add_boxes(project: Project) -> None:
    """Put the box into every executed notebook of the book (rewritten only when it changes)."""
    repo = repository(project.root)
    for chapter in CHAPTERS:
        path = project.root / chapter.executed
        if not path.is_file():
            continue
        before = path.read_text(encoding="utf-8")
        nb = with_box(nbformat.reads(before, as_version=4), chapter.id, repo)
        after = nbformat.writes(nb) + "\n"
        if after != before:
            tmp = path.with_name(f".{path.name}.launch")
            tmp.write_text(after, encoding="utf-8")
            os.replace(tmp, path)
