"""The one error type users see: a single line, never a traceback."""


class BylineError(Exception):
    """A failure with a message fit to print as one line after `byline: `."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self)


def brief(exc: BaseException, limit: int = 120) -> str:
    """An exception's text on one line, at most `limit` characters (its type when empty)."""
    return (" ".join(str(exc).split()) or type(exc).__name__)[:limit]
