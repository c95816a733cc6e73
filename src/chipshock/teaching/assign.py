"""Teaching: give each student of a course their own valid parameter set for a chapter."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from chipshock import outputs
from chipshock.errors import ParamError, UserError
from chipshock.params import Param, ParamSpec
from chipshock.pipeline.registry import Chapter


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


def menu(param: Param) -> list[Any]:
    """The values a student may draw for one parameter."""
    default = param.coerce(param.default)
    if param.is_list:
        pool = list(param.choices) if param.choices else list(default)
        return [pool[:k] for k in range(max(param.min_items, 1), len(pool) + 1)] + [
            [v] for v in pool]
    if param.choices:
        return list(param.choices)
    if param.type == "bool":
        return [True, False]
    if param.type in ("int", "float") and param.min is not None and param.max is not None:
        grid = np.linspace(float(param.min), float(param.max), 5)
        values = {default, *(int(np.rint(v)) if param.type == "int" else round(float(v), 3) for v in grid)}
        return sorted(values)
    return [default]


def assign(spec: ParamSpec, students: list[str], vary: list[str], seed: int,
           base: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """A valid parameter set per student, varying the named parameters, reproducible from `seed`.

    `base` (the chapter assignment's default set) is kept in every set unless a varied parameter
    overrides it, so that a student's file alone reproduces their assignment's run.
    """
    base = dict(base or {})
    for name in vary:
        spec.get(name)  # unknown names raise ParamError
    rng = np.random.default_rng(seed)
    out = {}
    for student in students:
        for _ in range(200):
            draw = {}
            for name in vary:
                options = menu(spec.get(name))
                draw[name] = options[int(rng.integers(len(options)))]
            try:
                values = spec.resolve({**base, **draw})
            except ParamError:
                continue
            out[student] = {k: v for k, v in spec.to_plain(values).items() if k in vary or k in base}
            break
        else:
            raise UserError(f"could not draw a valid parameter set for {student}; vary fewer parameters")
    return out


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
