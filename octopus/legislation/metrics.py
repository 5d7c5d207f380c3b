"""What the legislation app counts, for the results framework (DESIGN.md §4).

- `legislation.countries_advised`: distinct countries given legislative advice that began in the period (Output 3).
- `legislation.share_in_place`: the % of assessed country × article pairs in place on the period's last day —
  overall, per article group (substantive, procedural, international) and/or for one country (ISO alpha-2).

Within one reading, each metric reads its rows once (`lib.metrics.memo`) and computes every period from them.
"""

import datetime

from octopus.countries.models import Country
from octopus.legislation import queries
from octopus.legislation.models import Advice
from octopus.legislation.queries import GROUPS, compliance_at, group_articles, profile_articles, share_of
from octopus.lib.metrics import Metric, MetricError, memo, registry


def _advice_rows() -> list[tuple[int, datetime.date]]:
    return memo("legislation.advice", lambda: list(Advice.objects.values_list("country_id", "starts_on")))


def countries_advised(start: datetime.date, end: datetime.date) -> int:
    return len({country for country, day in _advice_rows() if start <= day <= end})


def countries_advised_records(start: datetime.date, end: datetime.date) -> list[Country]:
    advised = Advice.objects.filter(starts_on__range=(start, end)).values("country")
    return list(Country.objects.filter(pk__in=advised).order_by("name"))


def _country(iso2: str) -> int | None:
    if not iso2:
        return None
    found = memo(f"legislation.country.{iso2.upper()}", lambda: Country.objects.filter(iso2=iso2.upper()).first())
    if found is None:
        raise MetricError(f"Unknown country {iso2!r} (give its ISO alpha-2 code).")
    return found.pk


def _articles(group: str) -> set[int]:
    if group and group not in GROUPS:
        raise MetricError(f"Unknown article group {group!r} (known: {', '.join(GROUPS)}).")
    return group_articles(memo("legislation.articles", profile_articles), group)


def percent_in_place(start: datetime.date, end: datetime.date, *, group: str = "", country: str = "") -> float | None:
    """As `queries.share_in_place` on `end`, from the reviewed assessments read once per reading."""
    rows = memo("legislation.assessments", lambda: list(queries.reviewed_rows()))
    return share_of(rows, end, articles=_articles(group), country_id=_country(country)).percent


def in_place_records(start: datetime.date, end: datetime.date, *, group: str = "", country: str = "") -> list:
    """The assessments in force on `end` behind the share (the not assessed among them too)."""
    wanted, country_id = _articles(group), _country(country)
    latest = compliance_at(end, countries=[country_id] if country_id else None)
    chosen = [assessment for (_c, article), assessment in latest.items() if article in wanted]
    return sorted(chosen, key=lambda a: (a.country_id, a.article_id))


registry.register(
    Metric(
        key="legislation.countries_advised",
        title="Countries given legislative advice",
        value=countries_advised,
        drilldown=countries_advised_records,
        description="Distinct countries given legislative advice (desk review, workshop or mission) that began in "
        "the period.",
    )
)
registry.register(
    Metric(
        key="legislation.share_in_place",
        title="Assessed articles in place (%)",
        value=percent_in_place,
        drilldown=in_place_records,
        aggregate="percent",
        params={"group": str, "country": str},
        description="Of the country × article pairs assessed (in place, partially, not in place) by reviewed "
        "assessments on the period's last day, the % in place; group = substantive, procedural or international; "
        "country = ISO alpha-2 code.",
    )
)
