"""Difference-in-differences estimators for panels with high-dimensional fixed effects.

General: they work on any pandas panel. `did` stacks a panel around shocks and fits the DiD, the
event study and before-after contrasts; `windows` stacks with non-overlapping windows; `models`
fits OLS and Poisson PML, on `fixed_effects` projected out, with `inference` (clustered
variances, the wild cluster bootstrap); `randomization` and `sign_flip` are randomization
inference for the stacked China-minus-U.S. DiD; `regions` has placebo regions and the triple
difference; `honest` asks how far parallel trends may fail; `power` gives minimum detectable
effects; `multiple` adjusts p-values for multiple tests.
"""
