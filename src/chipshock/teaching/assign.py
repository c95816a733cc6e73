"""Teaching: give each student of a course their own valid parameter set for a chapter.

Sets are drawn without replacement from the product of one menu per varied parameter, so no two
students of a class share a set; a class larger than the distinct valid sets is refused.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from math import prod
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from chipshock import outputs
from chipshock.errors import ParamError, UserError
from chipshock.params import Param, ParamSpec
from chipshock.pipeline.registry import Chapter

SEED_MENU = 10_000
"""A seed parameter draws from its first this many values."""
FLOAT_STEPS = 21
"""A bounded float draws from this many evenly spaced values."""
ENUMERATE_UP_TO = 2_000_000
"""Spaces up to this size are shuffled whole (exact count of valid sets); larger ones sampled."""

Holds = Callable[[Mapping[str, Any]], bool]
"""A constraint on a student's plain parameter set."""


def read_roster(path: Path) -> list[str]:
    """Student names or ids: one per line (the first column of a CSV); blank lines and # ignored."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"cannot read the roster {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"the roster {path} is not UTF-8 text (byte {exc.start}); "
                        "save it as UTF-8 and run the command again") from None
    names = [ln.split(",")[0].strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not names:
        raise UserError(f"the roster {path} lists no students (one name or id per line)")
    if len(set(map(slug, names))) != len(names):
        raise UserError(f"the roster {path} has duplicate names (after turning them into file names)")
    return names


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "student"


@dataclass(frozen=True)
class Subsets(Sequence[list[Any]]):
    """Every sub-list of `pool` (in its order) that holds all of `required` and has at least
    `min_items` items (smaller ones are left to the parameter's validation, except the empty
    one), indexed lazily: item i is the bit pattern of i over the optional items."""

    pool: tuple[Any, ...]
    required: tuple[Any, ...] = ()
    min_items: int = 1

    @property
    def _optional(self) -> tuple[Any, ...]:
        return tuple(v for v in self.pool if v not in self.required)

    @property
    def _skip(self) -> int:
        """1 when the empty selection is not allowed (no required items), else 0."""
        return int(not self.required and self.min_items >= 1)

    def __len__(self) -> int:
        return 2 ** len(self._optional) - self._skip

    def __getitem__(self, i: int) -> list[Any]:  # type: ignore[override]
        if not 0 <= i < len(self):
            raise IndexError(i)
        i += self._skip
        chosen = {v for bit, v in enumerate(self._optional) if i >> bit & 1}
        return [v for v in self.pool if v in self.required or v in chosen]


def menu(param: Param) -> Sequence[Any]:
    """The values a student may draw for one parameter, when its assignment declares none."""
    default = param.coerce(param.default)
    if param.is_list:
        pool = tuple(param.choices) if param.choices else tuple(default)
        return Subsets(pool, min_items=param.min_items)
    if param.choices:
        return list(param.choices)
    if param.type == "bool":
        return [True, False]
    if param.type == "int" and param.min is not None and param.max is not None:
        return range(int(param.min), min(int(param.max), int(param.min) + SEED_MENU - 1) + 1)
    if param.type == "float" and param.min is not None and param.max is not None:
        grid = np.linspace(float(param.min), float(param.max), FLOAT_STEPS)
        return sorted({round(float(v), 4) for v in grid})
    return [default]


def _value(menus: Sequence[Sequence[Any]], index: int) -> list[Any]:
    """The combination at `index` of the product of `menus` (mixed radix, first menu fastest)."""
    out = []
    for m in menus:
        index, digit = divmod(index, len(m))
        out.append(m[digit])
    return out


def _order(size: int, rng: np.random.Generator) -> Iterator[int]:
    """Every index below `size` once, in random order (sampled when the space is very large)."""
    if size <= ENUMERATE_UP_TO:
        yield from (int(i) for i in rng.permutation(size))
        return
    seen: set[int] = set()
    while len(seen) < size:
        i = int(rng.integers(size))
        if i not in seen:
            seen.add(i)
            yield i


def assign(spec: ParamSpec, students: list[str], vary: list[str], seed: int,
           base: Mapping[str, Any] | None = None, menus: Mapping[str, Sequence[Any]] | None = None,
           constraints: Sequence[tuple[str, Holds]] = (),
           attempts: int = 50_000) -> dict[str, dict[str, Any]]:
    """A distinct valid parameter set per student, varying the named parameters, reproducible
    from `seed`.

    `base` (the assignment's default set) is kept in every set unless a varied parameter overrides
    it, so that a student's file alone reproduces their assignment's run. `menus` replace the
    generic menu of a parameter; every set must satisfy each `(text, holds)` constraint.
    """
    base, menus = dict(base or {}), dict(menus or {})
    for name in vary:
        spec.get(name)  # unknown names raise ParamError
    lists = [menus.get(name) or menu(spec.get(name)) for name in vary]
    size = prod(len(m) for m in lists)
    rng = np.random.default_rng(seed)
    chosen: list[dict[str, Any]] = []
    for tried, index in enumerate(_order(size, rng)):
        if len(chosen) == len(students):
            break
        if tried >= attempts:
            raise UserError(f"found only {len(chosen)} distinct valid parameter sets for {len(students)} "
                            f"students in {attempts} draws; vary more parameters (see `chipshock params`)")
        plain = _valid(spec, base, dict(zip(vary, _value(lists, index), strict=True)), constraints)
        if plain is not None:
            chosen.append({k: v for k, v in plain.items() if k in vary or k in base})
    if len(chosen) < len(students):
        raise UserError(f"the class has {len(students)} students but varying {', '.join(vary)} gives only "
                        f"{len(chosen)} distinct valid parameter sets; vary more parameters (--vary) "
                        "or split the class")
    return dict(zip(students, chosen, strict=True))


def _valid(spec: ParamSpec, base: Mapping[str, Any], draw: Mapping[str, Any],
           constraints: Sequence[tuple[str, Holds]]) -> dict[str, Any] | None:
    try:
        plain = spec.to_plain(spec.resolve({**base, **draw}))
    except ParamError:
        return None
    return plain if all(holds(plain) for _, holds in constraints) else None


def write_assignments(chapter: Chapter, sets: dict[str, dict[str, Any]], out: Path, seed: int) -> None:
    """One YAML file per student and assignments.csv, written atomically into `out` (a new or empty
    folder, or one an earlier `chipshock assign` wrote: see `chipshock.outputs`)."""
    outputs.check(out, "assign")
    staging = outputs.make_temp_dir(out.parent, out.name)
    try:
        rows = []
        for student, values in sets.items():
            name = f"{slug(student)}.yml"
            header = (f"# {chapter.id} parameters for {student} (chipshock assign, seed {seed}).\n"
                      f"# Run: chipshock run {chapter.id} -f {name}\n")
            (staging / name).write_text(header + yaml.safe_dump(values, sort_keys=False), encoding="utf-8")
            rows.append({"student": student, "file": name, **{k: _show(v) for k, v in values.items()}})
        with open(staging / "assignments.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        outputs.replace(staging, out, "assign")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _show(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)
