"""Errors the CLI maps to one-line messages and documented exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1  # nothing usable: bad input, unreachable endpoint, every chunk failed
EXIT_USAGE = 2  # bad command line (typer/click also uses 2)
EXIT_PARTIAL = 3  # a result was printed but some chunks failed (listed on stderr)
EXIT_INTERRUPTED = 130  # Ctrl-C; completed chunks stay cached


class ClaimsError(Exception):
    """An expected failure: `message` says what happened, `hint` how to fix it."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = f"Error: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return " ".join(text.split())


class InputError(ClaimsError):
    """The input file cannot be read or holds no analysable text."""


class UsageError(ClaimsError):
    """Conflicting or invalid options."""

    exit_code = EXIT_USAGE


class ConfigError(ClaimsError):
    """Endpoint, model or key configuration is missing or wrong."""


class EndpointError(ClaimsError):
    """The LLM endpoint failed after the bounded retries."""


class Interrupted(ClaimsError):
    """Ctrl-C: the answers received so far are cached; `message` says how many."""

    exit_code = EXIT_INTERRUPTED

    def one_line(self) -> str:
        return " ".join(f"Interrupted: {self.message}; rerun the same command to resume.".split())
