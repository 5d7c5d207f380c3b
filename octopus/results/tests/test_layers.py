"""Dependencies run one way (DESIGN.md §3): an app imports only the apps below it. `results` in particular imports
no domain app; it reads their records through the metric registry."""

import ast
from pathlib import Path

import pytest

# Lowest first; later apps join at their place. `sample` composes every app for sample and generated data.
ORDER = [
    "lib", "accounts", "countries", "results", "treaties", "people", "surveys", "events", "committees", "legislation",
    "funding",
    "sample",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("octopus.") and name.count(".") >= 1}
    return found & set(ORDER)


def modules(app: str):
    # Tests and management commands may compose apps (a command loading all reference data); app code may not.
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT / app).parts
        if parts[0] not in ("tests", "management", "migrations"):
            yield path


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_the_apps_below_it(app):
    allowed = set(ORDER[: ORDER.index(app) + 1])
    wrong = {str(path.relative_to(ROOT)): sorted(imported_apps(path) - allowed) for path in modules(app)}

    assert {path: apps for path, apps in wrong.items() if apps} == {}
