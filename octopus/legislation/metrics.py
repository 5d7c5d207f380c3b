"""What the legislation app counts, for the results framework (DESIGN.md §4).

Programme measures (a programme's reading counts only the advice and workshops serving it, `results.assignments`):
- `legislation.countries_advised`: distinct countries given legislative advice that began in the period (Output 3).
- `legislation.countries_assisted`: distinct countries the programme assisted in the period: given legislative
  advice, or hosting (its host countries, else its country) an in-country or regional workshop held. Its drill-down
  (the countries) is what narrows a global indicator to the countries a programme assisted.

Global measures (`reach=GLOBAL`: about every State, whatever the programme did; sample records only in a sample
programme's reading; narrowed to the reading's countries when it names some):
- `legislation.share_in_place`: the % of assessed country × article pairs in place on the period's last day —
  overall, per article group (substantive, procedural, international) and/or for one country (ISO alpha-2).
- `legislation.compliance_change`: the change of that share, in percentage points, from the eve of the period to
  its last day, among the countries assisted by the reading's programmes (advised, or hosting a workshop, by the
  period's end) or, with `assisted=False`, the others; only countries assessed before the period count (the others
  have no baseline). The rule is `queries.compliance_change_among`, which the effect-of-assistance page reads too.
- `legislation.cases_prosecuted`, `legislation.cases_convicted`: the sum of the yearly figures reported for the
  years that lie wholly within the period (a year counts when its 1 January and its 31 December both fall in
  [start, end]; a window shorter than a year, or cut mid-year, has no figures of its own), all countries or one
  (`country`, ISO alpha-2); by country. No figure reported: no value (None), not 0.
- `legislation.mla_median_days`: the median, across countries, of each country's most recent figure of median days
  to execute a mutual legal assistance request, for a year wholly within the period (as above); by country (each
  country's own figure). An even number of countries: the mean of the two middle figures.

Workshops and contributions per country are not counted here: the events app's `events.held` (kinds
in_country_workshop/regional_workshop, and contribution — indicators 3.1 and 3.2) is broken down by country already.

Within one reading, each metric reads its rows once (`lib.metrics.memo`) and computes every period from them.
"""

import datetime
import statistics

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from octopus.countries.models import Country
from octopus.legislation import queries
from octopus.legislation.models import Advice, Figure, Statistic
from octopus.legislation.queries import (
    GROUPS,
    assisted_between,
    compliance_at,
    compliance_change_among,
    group_articles,
    profile_articles,
    share_of,
    within_scope,
)
from octopus.lib.metrics import GLOBAL, Metric, MetricError, memo, registry, scope
from octopus.results.assignments import register_countable, scoped


def _advice_rows() -> list[tuple[int, datetime.date]]:
    return memo("legislation.advice", queries.advice_rows)


def _assistance_rows() -> list[tuple[int, datetime.date]]:
    """Advice and workshops of the reading, as (country id, day): what makes a country assisted."""
    return memo("legislation.assistance", lambda: [*_advice_rows(), *queries.workshop_rows()])


def countries_advised(start: datetime.date, end: datetime.date) -> int:
    return len(_advised(start, end))


def _places() -> dict[int, tuple[str, str]]:
    """Country id → (ISO code, region), read once per reading for the breakdowns."""
    return memo(
        "legislation.places",
        lambda: {
            pk: (iso2, region or "Unknown") for pk, iso2, region in Country.objects.values_list("pk", "iso2", "region")
        },
    )


def _advised(start, end) -> set[int]:
    return assisted_between(_advice_rows(), start, end)


def _by_country(countries: set[int]) -> dict[str, int]:
    places = _places()
    return {places[country][0]: 1 for country in countries}


def _by_region(countries: set[int]) -> dict[str, int]:
    places = _places()
    regions = [places[country][1] for country in countries]
    return {region: regions.count(region) for region in set(regions)}


def countries_advised_by_country(start, end) -> dict[str, int]:
    return _by_country(_advised(start, end))


def countries_advised_by_region(start, end) -> dict[str, int]:
    return _by_region(_advised(start, end))


def countries_advised_records(start: datetime.date, end: datetime.date) -> list[Country]:
    advised = scoped(Advice.objects.filter(starts_on__range=(start, end))).values("country")
    return list(Country.objects.filter(pk__in=advised).order_by("name"))


def _assisted(start, end) -> set[int]:
    return assisted_between(_assistance_rows(), start, end)


def countries_assisted(start: datetime.date, end: datetime.date) -> int:
    return len(_assisted(start, end))


def countries_assisted_records(start: datetime.date, end: datetime.date) -> list[Country]:
    return list(Country.objects.filter(pk__in=_assisted(start, end)).order_by("name"))


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


def _assessments() -> list[tuple[int, int, str, datetime.date]]:
    return memo("legislation.assessments", lambda: list(within_scope(queries.reviewed_rows())))


def percent_in_place(start: datetime.date, end: datetime.date, *, group: str = "", country: str = "") -> float | None:
    """As `queries.share_in_place` on `end`, from the reviewed assessments read once per reading."""
    return share_of(_assessments(), end, articles=_articles(group), country_id=_country(country)).percent


def in_place_by_country(start, end, *, group: str = "", country: str = "") -> dict[str, float]:
    """Each assessed country's share in place on `end` (one country's, with `country`)."""
    wanted, only, places = _articles(group), _country(country), _places()
    rows: dict[int, list] = {}
    for row in _assessments():
        if only is None or row[0] == only:
            rows.setdefault(row[0], []).append(row)  # each country's rows, still oldest first
    shares = {places[pk][0]: share_of(found, end, articles=wanted).percent for pk, found in rows.items()}
    return {iso2: percent for iso2, percent in shares.items() if percent is not None}


def in_place_records(start: datetime.date, end: datetime.date, *, group: str = "", country: str = "") -> list:
    """The assessments in force on `end` behind the share (the not assessed among them too)."""
    wanted, country_id, current = _articles(group), _country(country), scope()
    countries = None if country_id is None else {country_id}
    if current.countries is not None:
        countries = set(current.countries) if countries is None else countries & current.countries
    latest = compliance_at(end, countries=None if countries is None else sorted(countries), sample=current.sample)
    chosen = [assessment for (_c, article), assessment in latest.items() if article in wanted]
    return sorted(chosen, key=lambda a: (a.country_id, a.article_id))


registry.register(
    Metric(
        key="legislation.countries_advised",
        title="Countries given legislative advice",
        value=countries_advised,
        drilldown=countries_advised_records,
        breakdown={"country": countries_advised_by_country, "region": countries_advised_by_region},
        description="Distinct countries given legislative advice (desk review, workshop or mission) that began in "
        "the period, counting only the advice that serves the programme read.",
    )
)
registry.register(
    Metric(
        key="legislation.countries_assisted",
        title="Countries assisted (legislative advice or workshops)",
        value=countries_assisted,
        drilldown=countries_assisted_records,
        breakdown={
            "country": lambda start, end: _by_country(_assisted(start, end)),
            "region": lambda start, end: _by_region(_assisted(start, end)),
        },
        description="Distinct countries the programme assisted in the period: given legislative advice that began "
        "in it, or hosting (its host or beneficiary countries, else its country) an in-country or regional workshop "
        "held that started in it; only the advice and workshops that serve the programme read count. The "
        "drill-down lists the countries.",
    )
)
registry.register(
    Metric(
        key="legislation.share_in_place",
        title="Assessed articles in place (%)",
        value=percent_in_place,
        drilldown=in_place_records,
        breakdown={"country": in_place_by_country},
        aggregate="percent",
        params={"group": str, "country": str},
        reach=GLOBAL,
        description="Of the country × article pairs assessed (in place, partially, not in place) by reviewed "
        "assessments on the period's last day, the % in place; group = substantive, procedural or international; "
        "country = ISO alpha-2 code.",
    )
)


# --- compliance change, assisted or not ------------------------------------------------------------------------------


def _change_group(start: datetime.date, end: datetime.date, assisted: bool) -> set[int]:
    """The countries assisted by the reading's programmes by the period's end, or (not `assisted`) the others."""
    helped = assisted_between(_assistance_rows(), None, end)
    if assisted:
        return helped
    return {country for country, _a, _l, _d in _assessments()} - helped


def _change(start: datetime.date, end: datetime.date, assisted: bool, group: str) -> queries.Change:
    members, wanted = _change_group(start, end, assisted), _articles(group)
    return compliance_change_among(_assessments(), start, end, members=members, articles=wanted)


def compliance_change(
    start: datetime.date, end: datetime.date, *, assisted: bool = True, group: str = ""
) -> float | None:
    """The share in place on `end` minus the share on the eve of `start`, in percentage points, in the group."""
    return _change(start, end, assisted, group).points


def compliance_change_records(
    start: datetime.date, end: datetime.date, *, assisted: bool = True, group: str = ""
) -> list[Country]:
    return list(Country.objects.filter(pk__in=_change(start, end, assisted, group).countries).order_by("name"))


registry.register(
    Metric(
        key="legislation.compliance_change",
        title="Change in assessed articles in place (percentage points)",
        value=compliance_change,
        drilldown=compliance_change_records,
        aggregate="difference in percentage points of the share in place between the eve of the period and its end",
        params={"assisted": bool, "group": str},
        reach=GLOBAL,
        description="The share of assessed country × article pairs in place (as legislation.share_in_place) on the "
        "period's last day minus that share on the eve of the period, in percentage points, among the countries "
        "assessed (on the group's articles) before the period: assisted = true (the default) those the programme "
        "read assisted by the period's end (legislative advice or an in-country or regional workshop serving it), "
        "false the others. group = substantive, procedural or international. The drill-down lists the countries "
        "of the group.",
    )
)


# --- country statistics ------------------------------------------------------------------------------------------

STATISTIC_FIGURES = (Figure.CASES_PROSECUTED, Figure.CASES_CONVICTED, Figure.MLA_MEDIAN_DAYS)


def _statistic_rows() -> list[tuple[int, str, int, str, int]]:
    """(country id, ISO code, year, figure, value) of the figures the metrics read, oldest year first: read once
    per reading for every statistics metric and breakdown."""
    return memo(
        "legislation.statistics",
        lambda: list(
            within_scope(Statistic.objects.filter(figure__in=STATISTIC_FIGURES))
            .order_by("year", "country_id")
            .values_list("country_id", "country__iso2", "year", "figure", "value")
        ),
    )


def years_within(start: datetime.date, end: datetime.date) -> range:
    """The years whose 1 January and 31 December both fall within [start, end] (maybe none)."""
    first = start.year if start <= datetime.date(start.year, 1, 1) else start.year + 1
    last = end.year if end >= datetime.date(end.year, 12, 31) else end.year - 1
    return range(first, last + 1)


def _figures(figure: str, start, end, country: str) -> list[tuple[int, str, int, str, int]]:
    country_id, years = _country(country), years_within(start, end)
    return [
        row
        for row in _statistic_rows()
        if row[3] == figure and row[2] in years and (country_id is None or row[0] == country_id)
    ]


def _figure_records(figure: str, start, end, country: str):
    country_id, years = _country(country), years_within(start, end)
    rows = within_scope(Statistic.objects.filter(figure=figure, year__in=years)).select_related("country")
    if country_id is not None:
        rows = rows.filter(country_id=country_id)
    return rows.order_by("country__name", "year")


def _sum_metric(figure: Figure, key: str, title: str) -> Metric:
    def value(start, end, country: str = "") -> int | None:
        rows = _figures(figure, start, end, country)
        return sum(row[4] for row in rows) if rows else None

    def by_country(start, end, country: str = "") -> dict[str, int]:
        totals: dict[str, int] = {}
        for _id, iso2, _year, _figure, number in _figures(figure, start, end, country):
            totals[iso2] = totals.get(iso2, 0) + number
        return totals

    return registry.register(
        Metric(
            key=key,
            title=title,
            value=value,
            drilldown=lambda start, end, country="": _figure_records(figure, start, end, country),
            aggregate="sum of the records' values",
            params={"country": str},
            breakdown={"country": by_country},
            reach=GLOBAL,
            description=f"The sum of the yearly figures “{figure.label}” the countries reported (questionnaire or "
            "published source) for the years wholly within the period (1 January to 31 December of the year both "
            "in it); country = ISO alpha-2 code. None when no figure is reported.",
        )
    )


_sum_metric(Figure.CASES_PROSECUTED, "legislation.cases_prosecuted", "Cybercrime cases prosecuted")
_sum_metric(Figure.CASES_CONVICTED, "legislation.cases_convicted", "Cybercrime cases with a conviction")


def _latest_days(start, end, country: str) -> dict[str, tuple[int, int]]:
    """ISO code → (year, days) of each country's most recent median-days figure for a year within the period."""
    latest = {}
    for _id, iso2, year, _figure, days in _figures(Figure.MLA_MEDIAN_DAYS, start, end, country):
        latest[iso2] = (year, days)  # rows come oldest year first: later years replace earlier ones
    return latest


def mla_median_days(start, end, country: str = "") -> float | int | None:
    latest = _latest_days(start, end, country)
    return statistics.median(days for _year, days in latest.values()) if latest else None


def mla_median_days_records(start, end, country: str = "") -> list[Statistic]:
    """The figure behind the median for each country: its most recent one within the period."""
    latest = {}
    for row in _figure_records(Figure.MLA_MEDIAN_DAYS, start, end, country):
        latest[row.country_id] = row  # by country, then year: the last one is the most recent
    return list(latest.values())


registry.register(
    Metric(
        key="legislation.mla_median_days",
        title="Median days to execute a mutual legal assistance request",
        value=mla_median_days,
        drilldown=mla_median_days_records,
        aggregate="median of the records' values",
        params={"country": str},
        reach=GLOBAL,
        breakdown={
            "country": lambda start, end, country="": {
                iso2: days for iso2, (_year, days) in _latest_days(start, end, country).items()
            }
        },
        description="The median, across countries, of each country's most recent reported figure of median days to "
        "execute a mutual legal assistance request, for a year wholly within the period (1 January to 31 December "
        "in it); an even number of countries gives the mean of the two middle figures. country = ISO alpha-2 code "
        "(that country's most recent figure). None when no figure is reported.",
    )
)


register_countable(
    Advice,
    label=_("Legislative advice"),
    edit_url=lambda advice: reverse("legislation:advice_detail", args=[advice.pk]) + "#programmes",
    queryset=lambda: Advice.objects.select_related("country"),  # its name reads the country
)
