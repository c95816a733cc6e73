"""Publishing: the workflow's steps, the published branch's notebooks and the launch buttons."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from helpers import REPO

from chipshock.errors import UserError
from chipshock.paths import Project
from chipshock.pipeline.assemble import PUBLISHED_BRANCH, published_config
from chipshock.pipeline.publish import SETUP_TAG, publish, with_setup_cell
from chipshock.pipeline.registry import CHAPTERS


def test_workflow_builds_prs_and_publishes_tags_with_make() -> None:
    wf = yaml.safe_load((REPO / ".github/workflows/book.yml").read_text())
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads `on:` as True
    assert "pull_request" in triggers and triggers["push"]["tags"] == ["v*"]
    runs = " ".join(step.get("run", "") for step in wf["jobs"]["build"]["steps"])
    for command in ("make test", "make book", "make book-student", "chipshock publish"):
        assert command in runs
    uses = [step.get("uses", "") for job in wf["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert wf["env"]["CHIPSHOCK_REPOSITORY"] == "${{ github.repository }}"


def test_published_config_turns_on_launch_buttons(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text((REPO / "_config.yml").read_text())
    assert published_config(tmp_path, None) is None
    config = yaml.safe_load(published_config(tmp_path, "acme/book").read_text())
    assert config["repository"] == {"url": "https://github.com/acme/book", "branch": PUBLISHED_BRANCH}
    assert config["launch_buttons"]["colab_url"].startswith("https://colab")
    with pytest.raises(UserError, match="owner/name"):
        published_config(tmp_path, "not a repository")


def test_setup_cell_is_added_once(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    once = with_setup_cell(path, "acme/book")
    nbformat.write(once, path)
    twice = with_setup_cell(path, "acme/book")
    assert [SETUP_TAG in c.metadata.get("tags", []) for c in twice.cells] == [True, False]
    assert "https://github.com/acme/book" in twice.cells[0].source and "--branch" in twice.cells[0].source


def test_publish_needs_a_git_checkout_and_executed_notebooks(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="executed notebooks are missing"):
        publish(Project(tmp_path), tmp_path / "out", "acme/book")


@pytest.mark.slow
def test_publish_copies_tracked_files_and_notebooks(built_book: Project, tmp_path: Path) -> None:
    root = built_book.root
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "book", "_toc.yml"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=root, check=True, env=env)
    written = publish(built_book, tmp_path / "pub", "acme/book")
    assert len(written) == len(CHAPTERS)
    assert (tmp_path / "pub/_toc.yml").is_file() and not (tmp_path / "pub/_config.yml").exists()
    nb = nbformat.read(tmp_path / "pub/computation/background.ipynb", as_version=4)
    assert SETUP_TAG in nb.cells[0].metadata["tags"]


@pytest.mark.slow
def test_launch_buttons_point_at_published_notebooks(built_book: Project, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    """With $CHIPSHOCK_REPOSITORY, a build's computation pages open the published notebooks (built
    here as the developers chapter's two-page variant book, not the whole book again)."""
    from chipshock.pipeline.assemble import run_variant
    from chipshock.pipeline.registry import get_chapter

    monkeypatch.setenv("CHIPSHOCK_REPOSITORY", "acme/book")
    chapter = get_chapter("developers")
    page = run_variant(built_book, chapter, chapter.params.defaults(), tmp_path / "v", log=lambda _m: None)
    html = (page.parents[1] / "computation/developers.html").read_text()
    assert "colab.research.google.com/github/acme/book/blob/published/computation/developers.ipynb" in html
    assert "mybinder.org/v2/gh/acme/book/published" in html
