"""The refusals every layer raises and every edge (page, API, command) shows as they are."""


class DomainError(Exception):
    """A refusal a user sees as it is: the message says what is wrong and what to do."""


class ConflictError(DomainError):
    """The record changed since the user read it; nothing was written."""
