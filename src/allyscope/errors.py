"""The one exception family of allyscope.

Every error a user can cause or fix is an :class:`AllyscopeError`. Its message says
what was wrong and what to do; the CLI prints it on one line and exits with
``exit_code``. Anything else escaping is a bug.
"""

from __future__ import annotations


class AllyscopeError(Exception):
    """Base class: an error the user can act on."""

    exit_code = 1


class UnknownStateError(AllyscopeError, LookupError):
    """A name or code that matches no state; carries the closest matches."""

    exit_code = 2

    def __init__(self, query: str, suggestions: list[str] | None = None, detail: str = ""):
        self.query = query
        self.suggestions = suggestions or []
        msg = f"unknown state {query!r}"
        if detail:
            msg += f" ({detail})"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(self.suggestions) + "?"
        else:
            msg += "; run `allyscope states --list` to see every state"
        super().__init__(msg)


class InvalidInputError(AllyscopeError, ValueError):
    """Malformed argument: a year range, a dyad, a variable name, a format."""

    exit_code = 2


class CoverageError(AllyscopeError):
    """The years asked for lie outside every requested source's coverage."""

    exit_code = 3


class DataError(AllyscopeError):
    """A data file is missing, corrupt or does not match its spec."""

    exit_code = 4


class DownloadError(AllyscopeError):
    """An official release could not be fetched (offline, moved, checksum mismatch)."""

    exit_code = 5


class OutputError(AllyscopeError, OSError):
    """An output file could not be written."""

    exit_code = 6


class ServeError(AllyscopeError):
    """The dashboard server could not start (the address is taken, or cannot be bound)."""

    exit_code = 8
