"""What chapter `primer` takes: its parameters (simulated data only)."""

from __future__ import annotations

from chipshock.params import Param, ParamSpec

INPUTS: tuple[str, ...] = ()  # simulated data only


PARAMS = ParamSpec(params=(
    Param("seed", "int", 7, "random seed of every simulation", min=0, max=2**31 - 1),
    Param("true_effect", "float", 0.3, "the effect built into the simulated data", min=-2.0, max=2.0),
    Param("n_units", "int", 40, "units (repositories) per simulated panel", min=10, max=400),
    Param("n_periods", "int", 20, "periods per simulated panel (half before, half after)", min=6, max=104),
    Param("pre_trend", "float", 0.1, "per-period drift of the treated group before treatment, in the "
          "pre-trend sandbox", min=0.0, max=0.5),
    Param("misclassification", "list[float]", [0.0, 0.1, 0.2, 0.3, 0.4],
          "shares of commits the noisy location proxy puts in the wrong region", min=0.0, max=0.49),
    Param("few_clusters", "int", 8, "clusters in the few-clusters sandbox", min=4, max=30),
    Param("replications", "int", 200, "simulated samples in the few-clusters sandbox", min=20, max=2000),
))

EXERCISE_RUN: dict[str, float | int] = {"pre_trend": 0.3, "n_units": 20}
"""Exercise 2's rerun (`chipshock run primer -p pre_trend 0.3 -p n_units 20`): the primer
assignment's default parameter set."""
