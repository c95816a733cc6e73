"""Errors a user can fix: the CLI prints them and exits with code 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input, data or environment, with a fix in its message."""

    exit_code = 2


class ParamError(UserError):
    """A parameter value, name or parameter file that cannot be used."""


class DataError(UserError):
    """A data file that is missing, corrupt or of the wrong shape."""


class ExecutionError(Exception):
    """A notebook failed while executing; the message holds the cell's error."""

    exit_code = 1


def user_error_names() -> set[str]:
    """Class names of UserError and all its subclasses (to recognise them in a notebook's traceback)."""
    names, todo = set(), [UserError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names
