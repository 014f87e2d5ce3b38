"""The café's one error type, apart so that every module that changes a café can raise it."""


class CafeError(Exception):
    """Something the facilitator must fix; the message says what."""
