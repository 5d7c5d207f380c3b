"""RFC 9457 problem details: the one shape of every API error."""

from http import HTTPStatus

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status: int, detail: str = "", *, title: str = "", errors: list[dict] | None = None, **extra) -> dict:
    """A problem document. `errors` lists field-level messages as {"field": ..., "message": ...}."""
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body
