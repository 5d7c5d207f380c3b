"""What the legislation app counts, for the results framework (DESIGN.md §4).

- `legislation.countries_advised`: distinct countries given legislative advice that began in the period (Output 3).
- `legislation.share_in_place`: the % of assessed country × article pairs in place on the period's last day —
  overall, per article group (substantive, procedural, international) and/or for one country (ISO alpha-2).
- `legislation.compliance_change`: the change of that share, in percentage points, from the eve of the period to
  its last day, among the countries assisted (given legislative advice that began by the period's end) or, with
  `assisted=False`, the others; only countries assessed before the period count (the others have no baseline).
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

from octopus.countries.models import Country
from octopus.legislation import queries
from octopus.legislation.models import Advice, Figure, Statistic
from octopus.legislation.queries import GROUPS, compliance_at, group_articles, profile_articles, share_of
from octopus.lib.metrics import Metric, MetricError, memo, registry


def _advice_rows() -> list[tuple[int, datetime.date]]:
    return memo("legislation.advice", lambda: list(Advice.objects.values_list("country_id", "starts_on")))


def countries_advised(start: datetime.date, end: datetime.date) -> int:
    return len(_advised(start, end))


def _places() -> dict[int, tuple[str, str]]:
    """Country id → (ISO code, region), read once per reading for the breakdowns."""
    return memo("legislation.places", lambda: {pk: (iso2, region or "Unknown") for pk, iso2, region in
                                               Country.objects.values_list("pk", "iso2", "region")})  # fmt: skip


def _advised(start, end) -> set[int]:
    return {country for country, day in _advice_rows() if start <= day <= end}


def countries_advised_by_country(start, end) -> dict[str, int]:
    places = _places()
    return {places[country][0]: 1 for country in _advised(start, end)}


def countries_advised_by_region(start, end) -> dict[str, int]:
    places = _places()
    regions = [places[country][1] for country in _advised(start, end)]
    return {region: regions.count(region) for region in set(regions)}


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


def _assessments() -> list[tuple[int, int, str, datetime.date]]:
    return memo("legislation.assessments", lambda: list(queries.reviewed_rows()))


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
        breakdown={"country": countries_advised_by_country, "region": countries_advised_by_region},
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
        breakdown={"country": in_place_by_country},
        aggregate="percent",
        params={"group": str, "country": str},
        description="Of the country × article pairs assessed (in place, partially, not in place) by reviewed "
        "assessments on the period's last day, the % in place; group = substantive, procedural or international; "
        "country = ISO alpha-2 code.",
    )
)


# --- compliance change, assisted or not ------------------------------------------------------------------------------


def _change_group(start: datetime.date, end: datetime.date, assisted: bool) -> set[int]:
    """The countries assessed before the period (they have a baseline), advised by its end or not."""
    advised = {country for country, day in _advice_rows() if day <= end}
    baseline = {country for country, _a, _l, day in _assessments() if day < start}
    return baseline & advised if assisted else baseline - advised


def compliance_change(
    start: datetime.date, end: datetime.date, *, assisted: bool = True, group: str = ""
) -> float | None:
    """The share in place on `end` minus the share on the eve of `start`, in percentage points, in the group."""
    members, wanted = _change_group(start, end, assisted), _articles(group)
    rows = [row for row in _assessments() if row[0] in members]  # still oldest first, as share_of reads them
    before = share_of(rows, start - datetime.timedelta(days=1), articles=wanted).percent
    after = share_of(rows, end, articles=wanted).percent
    if before is None or after is None:
        return None
    return round(after - before, 1)


def compliance_change_records(
    start: datetime.date, end: datetime.date, *, assisted: bool = True, group: str = ""
) -> list[Country]:
    _articles(group)  # an unknown group is refused here too
    return list(Country.objects.filter(pk__in=_change_group(start, end, assisted)).order_by("name"))


registry.register(
    Metric(
        key="legislation.compliance_change",
        title="Change in assessed articles in place (percentage points)",
        value=compliance_change,
        drilldown=compliance_change_records,
        aggregate="difference in percentage points of the share in place between the eve of the period and its end",
        params={"assisted": bool, "group": str},
        description="The share of assessed country × article pairs in place (as legislation.share_in_place) on the "
        "period's last day minus that share on the eve of the period, in percentage points, among the countries "
        "assessed before the period: assisted = true (the default) those given legislative advice that began by "
        "the period's end, false the others. group = substantive, procedural or international. The drill-down "
        "lists the countries of the group.",
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
            Statistic.objects.filter(figure__in=STATISTIC_FIGURES)
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
        row for row in _statistic_rows()
        if row[3] == figure and row[2] in years and (country_id is None or row[0] == country_id)
    ]  # fmt: skip


def _figure_records(figure: str, start, end, country: str):
    country_id, years = _country(country), years_within(start, end)
    rows = Statistic.objects.filter(figure=figure, year__in=years).select_related("country")
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
        breakdown={"country": lambda start, end, country="": {
            iso2: days for iso2, (_year, days) in _latest_days(start, end, country).items()}},
        description="The median, across countries, of each country's most recent reported figure of median days to "
        "execute a mutual legal assistance request, for a year wholly within the period (1 January to 31 December "
        "in it); an even number of countries gives the mean of the two middle figures. country = ISO alpha-2 code "
        "(that country's most recent figure). None when no figure is reported.",
    )
)  # fmt: skip
