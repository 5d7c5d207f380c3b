"""Load the seed logframes (`data/logframes.toml`) as reference data: real facts with their source, never sample.

Idempotent: a programme, box or indicator already there (by code) keeps what staff changed since; only what is
missing is added, so a new indicator in the file reaches existing databases without touching their history.
"""

import tomllib
from pathlib import Path

from django.db import transaction

from octopus.results import services
from octopus.results.models import Programme

DATA = Path(__file__).resolve().parent / "data" / "logframes.toml"


def read_logframes(path: Path = DATA) -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["programme"]


@transaction.atomic
def load_logframes(path: Path = DATA) -> dict[str, int]:
    added = {"programmes": 0, "nodes": 0, "indicators": 0, "targets": 0}
    for entry in read_logframes(path):
        programme = Programme.objects.filter(code=entry["code"]).first()
        if programme is None:
            fields = {k: v for k, v in entry.items() if k not in ("node", "code", "title", "budget_ceiling")}
            programme = services.create_programme(
                code=entry["code"], title=entry["title"], budget_ceiling=entry["budget_ceiling"], user=None, **fields
            )
            added["programmes"] += 1
        version = services.latest_version(programme)
        nodes = {node.code: node for node in programme.nodes.all()}
        indicators = set(programme.nodes.values_list("indicators__code", flat=True))
        for order, item in enumerate(entry.get("node", [])):
            node = nodes.get(item["code"])
            if node is None:
                node = nodes[item["code"]] = services.add_node(
                    programme,
                    level=item["level"],
                    code=item["code"],
                    title=item["title"],
                    parent=nodes[item["parent"]] if item.get("parent") else None,
                    order=order,
                    user=None,
                )
                added["nodes"] += 1
            for position, spec in enumerate(item.get("indicator", [])):
                if spec["code"] in indicators:
                    continue
                fields = {k: v for k, v in spec.items() if k not in ("code", "title", "awaiting", "targets")}
                indicator = services.define_indicator(
                    node,
                    code=spec["code"],
                    title=spec["title"],
                    order=position,
                    allow_unregistered=spec.get("awaiting", False),
                    user=None,
                    **fields,
                )
                added["indicators"] += 1
                for target in spec.get("targets", []):
                    services.set_target(indicator, version=version, user=None, **target)
                    added["targets"] += 1
    return added
