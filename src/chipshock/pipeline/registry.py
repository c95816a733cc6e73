"""The book's chapters: id, title, and (loaded on first use) parameters and data inputs.

This is the only pipeline module that reaches into `chipshock.chapters`, and it imports just a
chapter's light `parameters` module, never its `analysis`: listing chapters and parameters stays
fast because pandas, altair and the estimators are not loaded.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import Any

from chipshock.errors import UserError
from chipshock.params import ParamSpec


@dataclass(frozen=True)
class Chapter:
    """A chapter: narrative book/<id>.md, computation notebooks/<id>.md, code chipshock/chapters/<id>/."""

    id: str
    title: str

    @cached_property
    def declaration(self) -> ModuleType:
        """The chapter's `parameters` module: PARAMS, INPUTS and optionally extra_inputs."""
        return importlib.import_module(f"chipshock.chapters.{self.id}.parameters")

    @property
    def params(self) -> ParamSpec:
        return self.declaration.PARAMS

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.declaration.INPUTS)

    def extra_inputs(self, params_plain: dict[str, Any]) -> tuple[str, ...]:
        """Data files that only some parameter values read (given the plain parameters)."""
        extra = getattr(self.declaration, "extra_inputs", None)
        return tuple(extra(params_plain)) if extra else ()

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
    Chapter("background", "Background: export controls, open-source policy and open-weight releases"),
    Chapter("policy", "Policy: open source in U.S. and Chinese AI policy documents"),
    Chapter("developers", "Developers: China-linked and U.S. contributors to open LLM repositories"),
    Chapter("diffusion", "Diffusion: how far Chinese-origin open models and repositories spread"),
    Chapter("research",
            "Research: Chinese open models in scientific papers, U.S. companies' use, and patents"),
    Chapter("robustness", "Robustness: every defensible specification, placebo shocks and leave-one-out"),
    Chapter("primer", "Methods primer: difference-in-differences on simulated data"),
)


def get_chapter(chapter_id: str) -> Chapter:
    for chapter in CHAPTERS:
        if chapter.id == chapter_id:
            return chapter
    known = ", ".join(c.id for c in CHAPTERS)
    raise UserError(f"unknown chapter '{chapter_id}'; the chapters are: {known} (see `chipshock chapters`)")
