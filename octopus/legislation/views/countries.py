"""Per country, everything the programme did there (staff): treaty status, events hosted and attended, legislative
advice, compliance over time, T-CY participation and the statistics reported.

The page reads each kind of record once for the country (a fixed number of queries, however many events,
assessments or figures there are) and derives the rest in Python.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from octopus.accounts.permissions import permission_required
from octopus.committees.models import BureauTerm, ObserverAdmission, Representative
from octopus.committees.queries.membership import OBSERVING_STATUSES
from octopus.countries.models import Country
from octopus.events.models import Event, Kind, Status
from octopus.events.queries import PERSON_KEY, participations
from octopus.legislation.models import Advice, AdviceRecommendation, Figure, Level, Statistic
from octopus.legislation.queries import Share, profile_articles, reviewed_rows
from octopus.lib.charts import progress_spec
from octopus.results.assignments import shares_by_record
from octopus.results.models import Programme
from octopus.treaties.models import Article
from octopus.treaties.queries import Status as TreatyStatus
from octopus.treaties.queries import country_history

TCY_TREATY = 185  # the T-CY is the committee of the Parties to the Budapest Convention


def hosted_events(country: Country) -> list[Event]:
    """Events held in the country or for it (host or beneficiary), latest first. One query."""
    return list(
        Event.objects.filter(Q(country=country) | Q(host_countries=country))
        .distinct()
        .select_related("country")
        .order_by("-starts_on", "title")
    )


def attended_events(country: Country) -> list[dict]:
    """Events people representing the country attended (approved, with attendance; as the indicators count), with
    the distinct people and the T-CY meeting the event was, if any. One query."""
    rows = (
        participations(Event.objects.exclude(status=Status.CANCELLED))
        .filter(country=country)
        .values(
            "event__slug",
            "event__title",
            "event__kind",
            "event__starts_on",
            "event__ends_on",
            "event__meeting__pk",
            "event__meeting__number",
            "event__meeting__committee__code",
        )
        .annotate(people=Count(PERSON_KEY, distinct=True))
        .order_by("-event__starts_on", "event__title")
    )
    return [
        {
            "slug": row["event__slug"],
            "title": row["event__title"],
            "kind": Kind(row["event__kind"]).label,
            "starts_on": row["event__starts_on"],
            "ends_on": row["event__ends_on"],
            "meeting": row["event__meeting__pk"],
            "meeting_number": row["event__meeting__number"],
            "committee": row["event__meeting__committee__code"],
            "people": row["people"],
        }
        for row in rows
    ]


def advice_given(country: Country) -> list[Advice]:
    """The advice given to the country with its articles, experts and recommendations. Four queries."""
    return list(
        Advice.objects.filter(country=country)
        .select_related("event", "law")
        .prefetch_related(
            Prefetch("articles", Article.objects.order_by("number")),
            "experts",
            Prefetch("recommendations", AdviceRecommendation.objects.select_related("article", "assessment")),
        )
        .order_by("-starts_on", "pk")
    )


@dataclass(frozen=True)
class YearEnd:
    year: int
    day: datetime.date  # the last day of the year, or today for the current year
    in_place: int
    partially: int
    not_in_place: int
    advice: int  # advice that began in the year

    @property
    def share(self) -> Share:
        return Share(self.in_place, self.in_place + self.partially + self.not_in_place)


def compliance_over_time(country: Country, today: datetime.date, advice: list[Advice]) -> list[YearEnd]:
    """The profile's levels at each year end since the first reviewed assessment (the current year: today), by
    the rule of `queries.share_of`: the latest reviewed assessment of each article wins. Two queries."""
    rows = list(reviewed_rows().filter(country=country, assessed_on__lte=today))
    if not rows:
        return []
    wanted = {article.pk for article in profile_articles()}
    advice_years = Counter(item.starts_on.year for item in advice)
    latest: dict[int, str] = {}
    position, years = 0, []
    for year in range(rows[0][3].year, today.year + 1):
        end = min(datetime.date(year, 12, 31), today)
        while position < len(rows) and rows[position][3] <= end:
            _country, article, level, _day = rows[position]
            if article in wanted:
                latest[article] = level
            position += 1
        levels = Counter(latest.values())
        years.append(
            YearEnd(
                year,
                end,
                levels[Level.IN_PLACE],
                levels[Level.PARTIALLY],
                levels[Level.NOT_IN_PLACE],
                advice_years[year],
            )
        )
    return years


def compliance_chart(years: list[YearEnd]) -> dict | None:
    points = [
        {"period": str(row.year), "series": _("Assessed articles in place (%)"), "value": row.share.percent}
        for row in years
        if row.share.percent is not None
    ]
    if not points:
        return None
    spec = progress_spec(points, title=_("Share of assessed articles in place, at each year end"))
    spec["encoding"]["y"] |= {"title": "%", "scale": {"domain": [0, 100]}}  # a share: always on the full scale
    return spec


def tcy_participation(country: Country, treaties: list[dict], attended: list[dict]) -> dict:
    """Standing in the T-CY (from the status under CETS 185 and any observer admission), representatives, Bureau
    terms and T-CY meetings attended. Three queries."""
    status = next((s["status"] for s in treaties if s["treaty"].number == TCY_TREATY), None)
    admissions = list(ObserverAdmission.objects.filter(country=country).select_related("committee"))
    today = timezone.localdate()
    admitted = [a for a in admissions if a.admitted_on <= today and (a.ended_on is None or a.ended_on >= today)]
    if status is not None and status.status == TreatyStatus.PARTY:
        standing = _("Member (Party to the Budapest Convention)")
    elif (status is not None and status.status in OBSERVING_STATUSES) or admitted:
        standing = _("Observer")
    else:
        standing = _("Neither member nor observer")
    return {
        "standing": standing,
        "status": status,
        "admissions": admissions,
        "representatives": list(
            Representative.objects.filter(country=country)
            .select_related("committee", "person")
            .order_by("committee__code", "-starts_on", "pk")
        ),
        "bureau_terms": list(BureauTerm.objects.filter(country=country).select_related("committee", "person")),
        "meetings": [row for row in attended if row["meeting"]],
    }


def statistics_table(country: Country) -> dict:
    """The figures reported, one row per figure and one column per year, and the sources cited. One query."""
    rows = list(Statistic.objects.filter(country=country).order_by("year", "figure"))
    years = sorted({row.year for row in rows})
    values = {(row.figure, row.year): row.value for row in rows}
    figures = [figure for figure in Figure if any((figure.value, year) in values for year in years)]
    return {
        "years": years,
        "rows": [(figure.label, [values.get((figure.value, year)) for year in years]) for figure in figures],
        "citations": sorted({row.citation for row in rows if row.citation}),
        "count": len(rows),
    }


def by_programme(hosted: list[Event], attended: list[dict], advice: list[Advice]) -> dict:
    """The country's events hosted, events attended and advice, per programme they serve, side by side, and over
    every real programme together, where a record two programmes share counts once. Three queries."""
    attended_ids = list(Event.objects.filter(slug__in=[row["slug"] for row in attended]).values_list("pk", flat=True))
    events = shares_by_record(Event, {e.pk for e in hosted} | set(attended_ids))
    advised = shares_by_record(Advice, [a.pk for a in advice])
    programmes = {
        p.pk: p
        for p in Programme.objects.filter(pk__in={pk for s in [*events.values(), *advised.values()] for pk in s})
    }
    real = {pk for pk, p in programmes.items() if not p.is_sample}

    def count(ids, shares, wanted) -> int:
        return sum(1 for pk in ids if wanted & set(shares.get(pk, {})))

    def figures(wanted) -> list[int]:
        return [
            count([e.pk for e in hosted], events, wanted),
            count(attended_ids, events, wanted),
            count([a.pk for a in advice], advised, wanted),
        ]

    rows = [
        {"programme": p, "figures": figures({pk})}
        for pk, p in sorted(programmes.items(), key=lambda item: (item[1].is_sample, item[1].starts_on))
    ]
    return {"rows": rows, "total": figures(real) if len(real) > 1 else None}


@require_GET
@permission_required("legislation.view_country_activity")
def country_activity(request, iso2):
    country = get_object_or_404(Country, iso2=iso2.upper())
    today = timezone.localdate()
    treaties = country_history(country, today)
    attended = attended_events(country)
    hosted = hosted_events(country)
    advice = advice_given(country)
    compliance = compliance_over_time(country, today, advice)
    recommendations = [r for item in advice for r in item.recommendations.all()]
    context = {
        "country": country,
        "today": today,
        "treaties": treaties,
        "hosted": hosted,
        "attended": attended,
        "advice": advice,
        "recommendations": {
            "made": len(recommendations),
            "taken_up": sum(1 for r in recommendations if r.taken_up_on),
        },
        "compliance": compliance,
        "latest_share": compliance[-1].share if compliance else None,
        "chart": compliance_chart(compliance),
        "tcy": tcy_participation(country, treaties, attended),
        "statistics": statistics_table(country),
        "by_programme": by_programme(hosted, attended, advice),
    }
    return render(request, "legislation/countries/activity.html", context)


urlpatterns = [
    path("workspace/countries/<str:iso2>/", country_activity, name="country_activity"),
]
