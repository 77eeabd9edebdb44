"""The one error type services raise: a line for the user."""


class ServiceError(Exception):
    """One line for the user; the CLI prints it after `error:` and exits 2, the app shows it."""
