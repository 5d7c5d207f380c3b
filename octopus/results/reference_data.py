"""Load the seed logframes (`data/logframes.toml`) as reference data: real facts with their source, never sample.

Idempotent: a programme, box or indicator already there (by code) keeps what staff changed since; only what is
missing is added, so a new indicator in the file reaches existing databases without touching their history.
"""

import tomllib
from pathlib import Path

from django.db import transaction

from octopus.results import services
from octopus.results.models import Assumption, Indicator, ManualValue, Programme, ValueStatus

DATA = Path(__file__).resolve().parent / "data" / "logframes.toml"


def read_logframes(path: Path = DATA) -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["programme"]


@transaction.atomic
def load_logframes(path: Path = DATA) -> dict[str, int]:
    added = {"programmes": 0, "nodes": 0, "indicators": 0, "targets": 0, "versions": 0, "published": 0}
    for entry in read_logframes(path):
        programme = Programme.objects.filter(code=entry["code"]).first()
        if programme is None:
            fields = {
                k: v
                for k, v in entry.items()
                if k not in ("node", "code", "title", "budget_ceiling", "revision", "published")
            }
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
            if not Assumption.objects.filter(node=node).exists():
                for position, text in enumerate(item.get("assumptions", [])):
                    services.add_assumption(node, text=text, order=position, user=None)
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
        for revision in entry.get("revision", []):
            added["versions"] += _load_revision(programme, revision)
        for figure in entry.get("published", []):
            added["published"] += _load_published(programme, figure)
    return added


def _load_revision(programme: Programme, revision: dict) -> int:
    """A later logframe version with the targets it changed, unless a version from that day is there."""
    if programme.versions.filter(valid_from=revision["valid_from"]).exists():
        return 0
    version = services.revise_logframe(
        programme,
        valid_from=revision["valid_from"],
        ends_on=revision["ends_on"],
        decision=revision["decision"],
        user=None,
    )
    for target in revision.get("targets", []):
        indicator = Indicator.objects.get(node__programme=programme, code=target["indicator"])
        fields = {k: v for k, v in target.items() if k != "indicator"}
        services.set_target(indicator, version=version, user=None, **fields)
    return 1


def _load_published(programme: Programme, figure: dict) -> int:
    """A published figure for a period of a computed indicator, approved as loaded: the source is its evidence."""
    indicator = Indicator.objects.get(node__programme=programme, code=figure["indicator"])
    period = services.programme_period(programme, services.latest_version(programme), figure["period"])
    if ManualValue.objects.filter(indicator=indicator, period_kind=period.kind, period_start=period.start).exists():
        return 0
    ManualValue.objects.create(
        indicator=indicator,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        value=figure["value"],
        note=figure["note"],
        evidence_url=figure["evidence_url"],
        status=ValueStatus.APPROVED,
        review_comment="Published figure loaded with the reference data; its source is the evidence.",
    )
    return 1
