"""Errors a user can fix: the CLI prints them and exits with code 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input, data or environment, with a fix in its message."""

    exit_code = 2


class ParamError(UserError):
    """A parameter value, name or parameter file that cannot be used."""


class DataError(UserError):
    """A data file that is missing, corrupt or of the wrong shape."""


class ChecksumError(UserError):
    """A data file that differs from its manifest (data/sources.yml or data/processed/CHECKSUMS).

    Not a DataError: code that treats a missing optional file (DataError) as "not available"
    must still stop on a corrupt one."""


class EmptySelection(UserError):
    """A chapter's parameters leave no data for one of its sections."""


class NoEstimableShock(UserError):
    """No shock can be estimated under these parameters (chapters raise their own, same-named
    class with the reasons; the name is what the pipeline recognises)."""


class ConvergenceError(UserError):
    """An estimator did not converge on this selection of the data; the message says what to change."""


class ExecutionError(Exception):
    """A notebook failed while executing; the message holds the cell's error."""

    exit_code = 1


def user_error_names() -> set[str]:
    """Class names of UserError and all its subclasses (to recognise them in a notebook's traceback).

    A chapter's error classes live here, or in its light `parameters` module, so that the pipeline
    knows them without importing the chapter's analysis (tests/test_user_errors.py checks it)."""
    names, todo = set(), [UserError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names
