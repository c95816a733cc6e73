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


def _checkout_with_notebooks(root: Path) -> Project:
    """A small git checkout with (empty) executed notebooks, enough to publish."""
    (root / "book").mkdir(parents=True)
    (root / "book" / "intro.md").write_text("# Intro\n")
    (root / "computation").mkdir()
    for chapter in CHAPTERS:
        nbformat.write(nbformat.v4.new_notebook(), root / chapter.executed)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "book"], cwd=root, check=True)
    return Project(root)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_replaces_only_a_folder_it_published(tmp_path: Path) -> None:
    """Issue 25, case 2: `publish --out DIR` removed whatever was in DIR, a checkout included."""
    project = _checkout_with_notebooks(tmp_path / "book")
    out = tmp_path / "pub"
    publish(project, out, "acme/book")
    (out / "book" / "intro.md").write_text("stale")
    publish(project, out, "acme/book")  # its own folder: replaced
    assert (out / "book" / "intro.md").read_text() == "# Intro\n"
    (out / "notes.txt").write_text("mine")
    before = _files(out)
    with pytest.raises(UserError, match=r"holds files `chipshock publish` did not write \(notes.txt\)"):
        publish(project, out, "acme/book")
    assert _files(out) == before
    checkout = _files(project.root)
    with pytest.raises(UserError, match="looks like a checkout"):
        publish(project, project.root, "acme/book")
    assert _files(project.root) == checkout and (project.root / ".git").is_dir()


@pytest.mark.parametrize("bad", ['acme/book"], check=True)\nimport os; os.system("id")#', "acme", "a/b/c",
                                 "acme/bo ok"])
def test_publish_repository_is_validated_like_the_environment_variable(tmp_path: Path, bad: str) -> None:
    """Issue 25, case 9: --repository was pasted unvalidated into the Colab setup cell."""
    project = _checkout_with_notebooks(tmp_path / "book")
    with pytest.raises(UserError, match=r"--repository is .*owner/name"):
        publish(project, tmp_path / "pub", bad)
    assert not (tmp_path / "pub").exists()


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
