"""Measures the treaty records support, for the results framework (registered at start-up).

They count as the Treaty Office counts: a State is a Party from the deposit of its instrument (ratification,
acceptance, accession), in force or not; "in force" is a figure of its own. They are global (about every State,
whatever a programme did), narrowed to the reading's countries when it names some. Treaty actions are reference
facts, never sample records, so a reading's `sample` flag changes nothing here (the generated treaty of the sample
data is a treaty of its own, CETS 99999, which only the sample programme's indicators name).
"""

import datetime
from collections import Counter

from django.utils.translation import gettext as _

from octopus.countries.models import Country
from octopus.lib.metrics import GLOBAL, Metric, Official, memo, registry, scope
from octopus.treaties.models import OfficialCount, Treaty
from octopus.treaties.queries import (
    COUNTED_AS_PARTY,
    Status,
    explaining_states,
    facts_by_country,
    party_bounds,
    status_on,
    undated_invitations_after,
)

PARTIES = COUNTED_AS_PARTY
IN_FORCE = frozenset({Status.PARTY})
# The programme's first objective indicator counts Parties and the States invited to accede ("observers").
PARTIES_AND_INVITED = COUNTED_AS_PARTY | {Status.INVITED}


def _treaty(number: int) -> Treaty | None:
    return memo(("treaties.treaty", number), lambda: Treaty.objects.filter(number=number).first())


def _facts(number: int) -> dict:
    def load():
        found = _treaty(number)
        return {} if found is None else facts_by_country(found)

    return memo(("treaties.facts", number), load)


def _statuses_at(ends: tuple, treaty: int) -> list[dict[int, Status]]:
    """For each end date, every State's status under CETS `treaty`; the actions are read, and the statuses on a day
    derived, once per reading (see lib.metrics.memo)."""
    facts = _facts(treaty)
    return [
        memo(
            ("treaties.statuses", treaty, end),
            lambda end=end: {pk: status_on(g, end).status for pk, g in facts.items()},
        )
        for end in ends
    ]


def _states_at(ends, treaty: int, statuses: frozenset[Status]) -> list[list[int]]:
    """For each end date, the ids of the States holding one of `statuses` under CETS `treaty`, among the reading's
    countries when it names some."""
    countries = scope().countries
    return [
        [pk for pk, status in at.items() if status in statuses and (countries is None or pk in countries)]
        for at in _statuses_at(tuple(ends), treaty)
    ]


def _states(end, treaty: int, statuses: frozenset[Status]) -> list[int]:
    return _states_at([end], treaty, statuses)[0]


def _official(statuses: frozenset[Status]):
    """The Treaty Office's published counts dated within the period, each beside the count computed on its day and
    the States whose missing dates allow a difference (`queries.party_bounds`, as on the portal's sources page).
    For Parties and invited States, a source that gives no count of invited States is compared on its Parties
    alone, and says so, rather than left out: a published count is never hidden."""
    with_invited = Status.INVITED in statuses

    def official(start: datetime.date, end: datetime.date, treaty=185) -> list[Official]:
        found = _treaty(treaty)
        if found is None or scope().countries is not None:
            return []  # a published figure counts every State: it has no counterpart narrowed to some countries
        published = memo(  # read once per reading, whatever the number of indicators and periods
            ("treaties.official", treaty),
            lambda: list(
                OfficialCount.objects.filter(treaty=found, parties__isnull=False, as_of__isnull=False).order_by(
                    "as_of", "pk"
                )
            ),
        )
        rows = [row for row in published if start <= row.as_of <= end]
        if not rows:
            return []
        facts = _facts(treaty)
        names = memo(
            ("treaties.names", treaty), lambda: dict(Country.objects.filter(pk__in=facts).values_list("pk", "name"))
        )
        figures = []
        for row in rows:
            bounds = party_bounds(found, row.as_of, facts)
            value, computed, unsettled, source = row.parties, bounds.computed, bounds.unsettled, row.source
            if with_invited and row.invited is None:
                source = _("Parties only (the source gives no count of invited States): %(source)s") % {
                    "source": row.source
                }
            elif with_invited:
                invited = {pk for pk, g in facts.items() if status_on(g, row.as_of).status == Status.INVITED}
                value += row.invited
                computed += len(invited)
                # A State counted as invited counts in the sum whether or not it has since deposited.
                unsettled = (unsettled - invited) | undated_invitations_after(facts, row.as_of)
            explained = () if computed == value else explaining_states(unsettled, names)
            figures.append(Official(row.as_of, value, computed, source, explained))
        return figures

    return official


def _metric(key: str, title: str, statuses: frozenset[Status], *, official: bool = False) -> Metric:
    def by_region(start, end, treaty=185):
        regions = Country.objects.filter(pk__in=_states(end, treaty, statuses)).values_list("region", flat=True)
        return dict(Counter(region or "—" for region in regions))

    def by_country(start, end, treaty=185):
        return dict.fromkeys(
            Country.objects.filter(pk__in=_states(end, treaty, statuses)).values_list("iso2", flat=True), 1
        )

    return registry.register(
        Metric(
            key=key,
            title=title,
            description="A stock: the States in that status on the last day of the period, whatever the start.",
            params={"treaty": int},
            value=lambda start, end, treaty=185: len(_states(end, treaty, statuses)),
            drilldown=lambda start, end, treaty=185: Country.objects.filter(
                pk__in=_states(end, treaty, statuses)
            ).order_by("name"),
            series=lambda periods, treaty=185: [
                len(ids) for ids in _states_at([end for _start, end in periods], treaty, statuses)
            ],
            breakdown={"country": by_country, "region": by_region},
            official=_official(statuses) if official else None,
            reach=GLOBAL,
        )
    )


parties = _metric(
    "treaties.parties",
    "Parties at the end of the period (instrument deposited, in force or not)",
    PARTIES,
    official=True,
)
parties_in_force = _metric("treaties.parties_in_force", "Parties for which the treaty is in force", IN_FORCE)
parties_and_invited = _metric(
    "treaties.parties_and_invited",
    "Parties and States invited to accede at the end of the period",
    PARTIES_AND_INVITED,
    official=True,
)
