"""Sortable table headers: each links to the same filters sorted by its column (a second click: the other way)."""


def sort_link(request, key: str, current: str) -> dict:
    """The address query that sorts by `key` (back to the first page) and the arrow showing the current order."""
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if current == key else key
    return {"query": query.urlencode(), "arrow": "▲" if current == key else "▼" if current == f"-{key}" else ""}


def sort_columns(request, current: str, labels: dict) -> list[dict]:
    """A header per column of `labels` ({key: label}), in that order."""
    return [{"key": key, "label": label, **sort_link(request, key, current)} for key, label in labels.items()]
