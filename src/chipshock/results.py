"""Section results: what one section of a chapter computes, as one frozen object that glues itself.

A chapter section is one function that returns a `SectionResult` subclass (a frozen dataclass of
its numbers, words and exhibits); the notebook's section is that call plus `result.glue()`. Each
field is glued under `PREFIX + name` (tables and charts displayed, with their data as CSV), so the
glue keys a page can use are known without executing anything (`glue_keys()`, checked by
tests/test_results.py against every `{glue}` key of every chapter page).

Fields that should not be glued (intermediate frames another section needs) are declared with
`internal()`; an exhibit whose downloadable data differ from what it shows is wrapped in `Exhibit`.
A field holding a mapping of several keys is declared with `flat(keys)`: each item is glued under
`PREFIX + key`, and the keys are declared so that they too are known statically.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from chipshock import gluing


@dataclass(frozen=True)
class Exhibit:
    """A displayed table or chart with the data a reader downloads beside it."""

    value: Any
    data: Any = None  # a pandas DataFrame; None to infer it from the value


def internal(default: Any = dataclasses.MISSING) -> Any:
    """A field the section returns for other sections, never glued."""
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata={"glue": False})
    return dataclasses.field(default=default, metadata={"glue": False})


def flat(keys: Iterable[str]) -> Any:
    """A mapping field whose items are glued one by one under the declared `keys`."""
    return dataclasses.field(metadata={"flat": tuple(keys)})


def _is_exhibit(value: Any) -> bool:
    from chipshock.tables import Table  # light enough; local to keep the import graph shallow

    if isinstance(value, (Exhibit, Table)):
        return True
    return type(value).__module__.startswith("altair")


@dataclass(frozen=True)
class SectionResult:
    """Base of every section result. Subclasses are frozen dataclasses; set `PREFIX` if the
    section's keys share one, and `PREFIXES` if the same result class is glued under several."""

    PREFIX: ClassVar[str] = ""
    PREFIXES: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def prefixes(cls) -> tuple[str, ...]:
        return cls.PREFIXES or (cls.PREFIX,)

    @classmethod
    def field_keys(cls) -> list[str]:
        """Field names as glued (without prefix), flat fields expanded to their declared keys."""
        out: list[str] = []
        for f in dataclasses.fields(cls):
            if f.metadata.get("glue") is False:
                continue
            out.extend(f.metadata.get("flat", (f.name,)))
        return out

    @classmethod
    def glue_keys(cls) -> list[str]:
        """Every key this result can glue, under each of its declared prefixes."""
        return [prefix + key for prefix in cls.prefixes() for key in cls.field_keys()]

    def values(self, prefix: str | None = None) -> dict[str, Any]:
        """The glued keys and their values (exhibits as objects), without gluing: for tests."""
        prefix = self.PREFIX if prefix is None else prefix
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.metadata.get("glue") is False:
                continue
            value = getattr(self, f.name)
            if "flat" in f.metadata:
                declared = f.metadata["flat"]
                if not isinstance(value, Mapping) or set(value) != set(declared):
                    got = sorted(value) if isinstance(value, Mapping) else type(value).__name__
                    raise ValueError(f"{type(self).__name__}.{f.name}: keys {got}, "
                                     f"declared {sorted(declared)}")
                out.update({prefix + k: value[k] for k in declared})
            else:
                out[prefix + f.name] = value
        return out

    def glue(self, prefix: str | None = None) -> None:
        """Glue every field (exhibits displayed); returns nothing, so a notebook cell ends clean."""
        if prefix is not None and prefix not in self.prefixes():
            raise ValueError(f"{type(self).__name__}: prefix {prefix!r} is not declared in PREFIXES")
        for key, value in self.values(prefix).items():
            if isinstance(value, Exhibit):
                gluing.glue(key, value.value, display=True, data=value.data)
            else:
                gluing.glue(key, value, display=_is_exhibit(value))


def subclasses() -> list[type[SectionResult]]:
    """Every SectionResult subclass imported so far (import the chapters' modules first)."""
    out, todo = [], list(SectionResult.__subclasses__())
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out
