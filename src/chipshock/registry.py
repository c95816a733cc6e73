"""The book's chapters: id, title, parameters and the data files each one reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chipshock import background, developers, diffusion, policy, primer, research, robustness
from chipshock.errors import UserError
from chipshock.params import ParamSpec


@dataclass(frozen=True)
class Chapter:
    """A chapter: narrative page book/<id>.md and computation notebooks/<id>.md."""

    id: str
    title: str
    params: ParamSpec
    inputs: tuple[str, ...]
    extra_inputs: Callable[[dict[str, Any]], tuple[str, ...]] = lambda _params: ()
    """Data files that only some parameter values read (given the plain parameters)."""

    @property
    def narrative(self) -> str:
        return f"book/{self.id}.md"

    @property
    def source(self) -> str:
        return f"notebooks/{self.id}.md"

    @property
    def executed(self) -> str:
        return f"computation/{self.id}.ipynb"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "background",
        "Background: export controls, open-source policy and open-weight releases",
        background.PARAMS,
        background.INPUTS,
    ),
    Chapter(
        "policy",
        "Policy: open source in U.S. and Chinese AI policy documents",
        policy.PARAMS,
        policy.INPUTS,
    ),
    Chapter(
        "developers",
        "Developers: China-linked and U.S. contributors to open LLM repositories",
        developers.PARAMS,
        developers.INPUTS,
        developers.extra_inputs,
    ),
    Chapter(
        "diffusion",
        "Diffusion: how far Chinese-origin open models and repositories spread",
        diffusion.PARAMS,
        diffusion.INPUTS,
    ),
    Chapter(
        "research",
        "Research: Chinese open models in scientific papers, U.S. companies' use, and patents",
        research.PARAMS,
        research.INPUTS,
    ),
    Chapter(
        "robustness",
        "Robustness: every defensible specification, placebo shocks and leave-one-out",
        robustness.PARAMS,
        robustness.INPUTS,
    ),
    Chapter(
        "primer",
        "Methods primer: difference-in-differences on simulated data",
        primer.PARAMS,
        primer.INPUTS,
    ),
)


def get_chapter(chapter_id: str) -> Chapter:
    for chapter in CHAPTERS:
        if chapter.id == chapter_id:
            return chapter
    known = ", ".join(c.id for c in CHAPTERS)
    raise UserError(f"unknown chapter '{chapter_id}'; the chapters are: {known} (see `chipshock chapters`)")
