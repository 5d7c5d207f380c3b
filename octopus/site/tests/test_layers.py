"""Dependencies run one way (DESIGN.md §3): every module imports only the apps below its own. `lib` imports no app;
`results` imports no domain app (it reads their records through the metric registry); `site` composes them all.

Every module counts: management commands and migrations too. Only tests may compose apps, and only they import
`octopus.testing`. At the top of the package sit the wiring modules alone (settings, URLs, the API, the entry
points)."""

import ast
from pathlib import Path

import pytest

# Lowest first; a new app joins at its place, or the test below refuses its folder.
ORDER = [
    "lib",
    "accounts",
    "jobs",
    "countries",
    "results",
    "treaties",
    "people",
    "surveys",
    "events",
    "committees",
    "legislation",
    "funding",
    "reports",
    "sample",
    "site",
]
TEST_ONLY = "testing"
WIRING = {"__init__.py", "settings.py", "urls.py", "api.py", "wsgi.py", "asgi.py", "conftest.py"}
NOT_CODE = {"static", "templates", "locale", "__pycache__"}
ROOT = Path(__file__).resolve().parents[2]


def imported_packages(path: Path) -> set[str]:
    """The `octopus.<package>` names a module imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("octopus.")}
    return found


def violations(root: Path) -> dict[str, list[str]]:
    """Every module under `root` (the `octopus` package) that breaks the order, with what it may not import; a
    folder that is no known app, and a loose module at the top, are violations too."""
    wrong: dict[str, list[str]] = {}
    for path in sorted(root.glob("*.py")):
        if path.name not in WIRING:
            wrong[path.name] = ["a loose module at the top of the package: put it in lib/ or in an app"]
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in NOT_CODE):
        if folder.name == TEST_ONLY:
            continue
        if folder.name not in ORDER:
            wrong[folder.name] = ["a folder that is no app of the order: give it its place in ORDER"]
            continue
        allowed = set(ORDER[: ORDER.index(folder.name) + 1])
        for path in sorted(folder.rglob("*.py")):
            if "tests" in path.relative_to(folder).parts:
                continue
            upward = sorted(imported_packages(path) - allowed)
            if upward:
                wrong[str(path.relative_to(root))] = upward
    return wrong


def test_every_module_imports_only_the_apps_below_it():
    assert violations(ROOT) == {}


@pytest.mark.parametrize(
    ("where", "source", "found"),
    [
        ("lib/clock.py", "from octopus.events.models import Event\n", {"lib/clock.py": ["events"]}),
        (
            "countries/management/commands/load.py",
            "import octopus.funding.reference_data\n",
            {"countries/management/commands/load.py": ["funding"]},
        ),
        (
            "results/migrations/0009_x.py",
            "from octopus.legislation import models\n",
            {"results/migrations/0009_x.py": ["legislation"]},
        ),
        (
            "events/services.py",
            "from octopus.testing.access_matrix import Visitor\n",
            {"events/services.py": ["testing"]},
        ),
        ("helpers.py", "", {"helpers.py": ["a loose module at the top of the package: put it in lib/ or in an app"]}),
        ("grants/views.py", "", {"grants": ["a folder that is no app of the order: give it its place in ORDER"]}),
        ("events/tests/test_x.py", "from octopus.funding.models import Expense\n", {}),  # tests may compose
        ("site/management/commands/x.py", "from octopus.funding import models\n", {}),  # the top composes all
    ],
)
def test_an_upward_import_anywhere_is_found(tmp_path, where, source, found):
    root = tmp_path / "octopus"
    for app in ORDER:
        (root / app).mkdir(parents=True)
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    (root / where).write_text(source)

    assert violations(root) == found
