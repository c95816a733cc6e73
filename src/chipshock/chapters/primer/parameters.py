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


def exercise_run(plain: dict) -> dict:
    """Exercise 2's parameters on a page run with `plain`.

    The exercise's values fill in only what the page leaves at the chapter's defaults: on a
    student's run (`chipshock run primer -f their-file.yml`, a stronger pre-trend, fewer units)
    the solution is computed for the student's own parameters, not the default assignment's."""
    defaults = PARAMS.to_plain(PARAMS.defaults())
    return {**plain, **{k: v for k, v in EXERCISE_RUN.items() if plain[k] == defaults[k]}}


def exercise_note(values: dict) -> str:
    """The sentence that says whose answers the exercise's solution states."""
    if values == {**PARAMS.to_plain(PARAMS.defaults()), **EXERCISE_RUN}:
        return "These are the checkable answers of the primer assignment's default parameter set."
    return (f"These values are computed for this page's parameters (seed {values['seed']}, pre-trend "
            f"{values['pre_trend']:g}, {values['n_units']} units), so they are the checkable answers "
            "of an assignment file with these values.")
