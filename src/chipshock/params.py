"""Typed chapter parameters: one declaration feeds the notebook, the CLI and validation."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, make_dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from chipshock.errors import ParamError

SCALAR_TYPES = ("str", "int", "float", "bool", "date")
TYPES = SCALAR_TYPES + tuple(f"list[{t}]" for t in ("str", "int", "float", "date"))


@dataclass(frozen=True)
class Param:
    """One parameter of a chapter: its type, default, allowed values and help."""

    name: str
    type: str
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    min: Any = None
    max: Any = None
    min_items: int = 1

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown parameter type {self.type!r}")

    @property
    def is_list(self) -> bool:
        return self.type.startswith("list[")

    @property
    def item_type(self) -> str:
        return self.type[5:-1] if self.is_list else self.type

    def allowed(self) -> str:
        """Human description of the allowed values."""
        parts = []
        if self.choices is not None:
            parts.append("one of " + ", ".join(str(c) for c in self.choices))
        if self.min is not None or self.max is not None:
            parts.append(f"from {self.min if self.min is not None else '-inf'} "
                         f"to {self.max if self.max is not None else 'inf'}")
        rule = " and ".join(parts) or f"any {self.item_type}"
        if self.is_list:
            return f"{self.min_items} or more distinct items, comma-separated, each {rule}"
        return rule

    def coerce(self, value: Any) -> Any:
        """Convert a CLI string or a YAML value to this parameter's type, or raise ParamError."""
        if self.is_list:
            try:
                items = _split_list(value)
            except TypeError as exc:
                raise self._error(value, f"is not a list ({exc}); write a YAML list such as [a, b] "
                                  "or comma-separated text a,b") from None
            out = [self._coerce_item(v) for v in items]
            if len(out) < self.min_items:
                raise self._error(value, f"needs at least {self.min_items} item(s)")
            if len(set(map(str, out))) != len(out):
                raise self._error(value, "has duplicate items")
            return out
        return self._coerce_item(value)

    def _coerce_item(self, value: Any) -> Any:
        kind = self.item_type
        try:
            out = _COERCERS[kind](value)
        except (TypeError, ValueError) as exc:
            raise self._error(value, f"is not a valid {kind} ({exc})") from None
        if self.choices is not None and out not in self.choices:
            raise self._error(value, "is not allowed")
        if self.min is not None and out < _COERCERS[kind](self.min):
            raise self._error(value, "is below the minimum")
        if self.max is not None and out > _COERCERS[kind](self.max):
            raise self._error(value, "is above the maximum")
        return out

    def _error(self, value: Any, problem: str) -> ParamError:
        return ParamError(
            f"parameter '{self.name}': value {value!r} {problem}; allowed: {self.allowed()}. "
            f"See `chipshock params` for every parameter."
        )

    def to_plain(self, value: Any) -> Any:
        """JSON-ready form: dates as ISO strings."""
        if self.is_list:
            return [_plain(v) for v in value]
        return _plain(value)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _split_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError(f"expected a list, got {type(value).__name__}")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    raise ValueError("use true or false")


def _to_int(value: Any) -> int:
    if isinstance(value, (bool, float)):
        raise ValueError("not a whole number")
    return int(str(value).strip())


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("not a number")
    return float(str(value).strip())


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _to_str(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("not text")
    return str(value).strip()


PY_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool, "date": dt.date}


class ParamValues:
    """Base of a chapter's resolved parameters: a frozen, typed dataclass made from its `ParamSpec`.

    Read values as attributes (`p.start_date`); `p["start_date"]` and `dict(p)` work too, so code
    that takes a mapping keeps working. Instances come from `ParamSpec.resolve`, already validated.
    """

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def keys(self) -> list[str]:
        return list(asdict(self))  # type: ignore[call-overload]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.keys()

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.keys()}


_COERCERS: dict[str, Callable[[Any], Any]] = {
    "str": _to_str,
    "int": _to_int,
    "float": _to_float,
    "bool": _to_bool,
    "date": _to_date,
}


@dataclass(frozen=True)
class ParamSpec:
    """The declared parameters of one chapter, plus cross-parameter checks."""

    params: tuple[Param, ...]
    checks: tuple[Callable[[dict[str, Any]], str | None], ...] = field(default=())

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def get(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParamError(
            f"unknown parameter '{name}'; this chapter's parameters are: {', '.join(self.names())}"
        )

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.coerce(p.default) for p in self.params}

    @cached_property
    def values_type(self) -> type[ParamValues]:
        """The frozen dataclass of resolved values: one typed field per parameter."""
        fields_ = [(p.name, list[PY_TYPES[p.item_type]] if p.is_list else PY_TYPES[p.type])  # type: ignore[valid-type]
                   for p in self.params]
        return make_dataclass("Params", fields_, bases=(ParamValues,), frozen=True)

    def resolve(self, overrides: Mapping[str, Any]) -> ParamValues:
        """Defaults updated with validated overrides, as a frozen typed object; ParamError on any bad
        value. List values are lists (tuples would not round-trip through papermill)."""
        values = self.defaults()
        for name, raw in overrides.items():
            values[name] = self.get(name).coerce(raw)
        for check in self.checks:
            problem = check(values)
            if problem:
                raise ParamError(problem)
        return self.values_type(**values)

    def resolve_from(self, namespace: Mapping[str, Any]) -> ParamValues:
        """Resolve the declared parameters found in a namespace (a notebook's `globals()` after its
        parameters cell), so a notebook never retypes its parameter names."""
        return self.resolve({name: namespace[name] for name in self.names() if name in namespace})

    def to_plain(self, values: Mapping[str, Any] | ParamValues) -> dict[str, Any]:
        return {p.name: p.to_plain(values[p.name]) for p in self.params}


def params_hash(plain: Mapping[str, Any]) -> str:
    """Short stable hash of a resolved, plain parameter set."""
    text = json.dumps(plain, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def read_params_file(path: Path) -> dict[str, Any]:
    """Read a YAML mapping of parameter names to values."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ParamError(f"cannot read parameter file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ParamError(f"parameter file {path} is not UTF-8 text (byte {exc.start}); "
                         "save it as UTF-8 and run the command again") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParamError(f"parameter file {path} is not valid YAML: {exc}".replace("\n", " ")) from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ParamError(
            f"parameter file {path} must be a YAML mapping of parameter names to values, "
            "e.g. `start_date: 2020-01-01`"
        )
    return data


def merge_overrides(file_values: Mapping[str, Any], pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """File values first, then -p NAME VALUE pairs (which win)."""
    merged = dict(file_values)
    merged.update(dict(pairs))
    return merged
