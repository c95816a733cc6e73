"""Parameter declaration, coercion and validation: each bad input gets one clear error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chipshock.chapters.background.parameters import PARAMS
from chipshock.errors import ParamError
from chipshock.params import Param, ParamSpec, params_hash, read_params_file

REPO = Path(__file__).resolve().parents[1]


def test_defaults_are_typed() -> None:
    values = PARAMS.defaults()
    assert values["start_date"] == dt.date(2016, 1, 1)
    assert values["shocks"][1] == dt.date(2022, 10, 7)
    assert values["countries"] == ["US", "CN"]


def test_cli_strings_and_yaml_values_coerce_alike() -> None:
    from_cli = PARAMS.resolve({"start_date": "2020-01-01", "countries": "CN", "shocks": "2022-10-07"})
    from_yaml = PARAMS.resolve({"start_date": dt.date(2020, 1, 1), "countries": ["CN"],
                                "shocks": [dt.date(2022, 10, 7)]})
    assert from_cli == from_yaml


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"start_dat": "2020-01-01"}, "unknown parameter 'start_dat'"),
        ({"start_date": "last year"}, "parameter 'start_date': value 'last year' is not a valid date"),
        ({"start_date": "2001-01-01"}, "is below the minimum"),
        ({"end_date": "2030-01-01"}, "is above the maximum"),
        ({"countries": "US,FR"}, "parameter 'countries': value 'FR' is not allowed"),
        ({"countries": ""}, "needs at least 1 item"),
        ({"countries": "US,US"}, "has duplicate items"),
        ({"start_date": "2024-01-01", "end_date": "2023-01-01"}, "must be before 'end_date'"),
        ({"start_date": "2025-01-01"}, "none of the 'shocks'"),
    ],
)
def test_bad_values_name_the_parameter_and_what_is_allowed(overrides: dict, needle: str) -> None:
    with pytest.raises(ParamError) as info:
        PARAMS.resolve(overrides)
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [("int", "3", 3), ("float", "0.5", 0.5), ("bool", "yes", True), ("bool", False, False)],
)
def test_scalar_types(kind: str, raw: object, expected: object) -> None:
    assert Param("x", kind, raw, "help").coerce(raw) == expected


@pytest.mark.parametrize(("kind", "raw"), [("int", "3.5"), ("int", 2.0), ("float", "abc"), ("bool", "maybe")])
def test_wrong_scalar_types(kind: str, raw: object) -> None:
    with pytest.raises(ParamError, match="parameter 'x'"):
        Param("x", kind, 1, "help").coerce(raw)


def test_int_range() -> None:
    spec = ParamSpec((Param("n", "int", 5, "help", min=1, max=10),))
    assert spec.resolve({"n": "10"})["n"] == 10
    with pytest.raises(ParamError, match="from 1 to 10"):
        spec.resolve({"n": "11"})


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        Param("x", "complex", 1, "help")


def test_params_file(tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text("start_date: 2020-01-01\ncountries: [CN]\n")
    assert read_params_file(good) == {"start_date": dt.date(2020, 1, 1), "countries": ["CN"]}
    bad = tmp_path / "bad.yml"
    bad.write_text("start_date: [2020\n")
    with pytest.raises(ParamError, match="is not valid YAML"):
        read_params_file(bad)
    listy = tmp_path / "list.yml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ParamError, match="must be a YAML mapping"):
        read_params_file(listy)
    with pytest.raises(ParamError, match="cannot read parameter file"):
        read_params_file(tmp_path / "missing.yml")


@pytest.mark.parametrize("path", sorted((REPO / "params").glob("*.yml")), ids=lambda p: p.name)
def test_shipped_parameter_sets_are_valid(path: Path) -> None:
    from chipshock.pipeline.registry import get_chapter

    get_chapter(path.name.split("-")[0]).params.resolve(read_params_file(path))


def test_params_hash_is_stable_and_sensitive() -> None:
    a = PARAMS.to_plain(PARAMS.defaults())
    b = PARAMS.to_plain(PARAMS.resolve({"countries": "CN"}))
    assert params_hash(a) == params_hash(dict(reversed(list(a.items()))))
    assert params_hash(a) != params_hash(b)


def test_resolve_returns_a_frozen_typed_object_read_by_name_or_key() -> None:
    import dataclasses
    import datetime as dt

    from chipshock.chapters.developers.parameters import PARAMS as DEV

    p = DEV.resolve({"estimator": "ppml"})
    assert p.estimator == "ppml" == p["estimator"] and isinstance(p.shocks[0], dt.date)
    assert set(dict(p)) == set(DEV.names())
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.estimator = "ols_level"  # type: ignore[misc]
    hints = {f.name: f.type for f in dataclasses.fields(p)}
    assert hints["estimator"] is str


def test_resolve_from_a_namespace_takes_only_declared_names() -> None:
    from chipshock.chapters.developers.parameters import PARAMS as DEV

    namespace = {"estimator": "ppml", "unrelated": 1, "__name__": "__main__"}
    assert DEV.resolve_from(namespace).estimator == "ppml"
    with pytest.raises(ParamError):
        DEV.resolve_from({"estimator": "nope"})
