"""Difference-in-differences estimators for panels with high-dimensional fixed effects.

General: they work on any pandas panel. `did.estimate` is the entry point; `fixed_effects`
projects fixed effects out, `ols` and `ppml` fit, `inference` computes clustered variances and
the wild cluster bootstrap, `event_study` builds leads and lags and tests pre-trends.
"""
