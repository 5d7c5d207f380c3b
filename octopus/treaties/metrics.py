"""Measures the treaty records support, for the results framework (registered at start-up)."""

from collections import Counter

from octopus.countries.models import Country
from octopus.lib.metrics import Metric, memo, registry
from octopus.treaties.models import Treaty
from octopus.treaties.queries import Status, facts_by_country, status_on

# The programme's first objective indicator counts Parties and the States invited to accede ("observers").
PARTIES_AND_INVITED = {Status.PARTY, Status.INVITED}


def _statuses_at(ends: tuple, treaty: int) -> list[dict[int, Status]]:
    """For each end date, every State's status under CETS `treaty`; the actions are read, and the statuses on a day
    derived, once per reading (see lib.metrics.memo)."""

    def load():
        found = Treaty.objects.filter(number=treaty).first()
        return {} if found is None else facts_by_country(found)

    facts = memo(("treaties.facts", treaty), load)
    return [
        memo(
            ("treaties.statuses", treaty, end),
            lambda end=end: {pk: status_on(g, end).status for pk, g in facts.items()},
        )
        for end in ends
    ]


def _states_at(ends, treaty: int, statuses: set[Status]) -> list[list[int]]:
    """For each end date, the ids of the States holding one of `statuses` under CETS `treaty`."""
    return [[pk for pk, status in at.items() if status in statuses] for at in _statuses_at(tuple(ends), treaty)]


def _states(end, treaty: int, statuses: set[Status]) -> list[int]:
    return _states_at([end], treaty, statuses)[0]


def _metric(key: str, title: str, statuses: set[Status]) -> Metric:
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
        )
    )


parties = _metric("treaties.parties", "Parties at the end of the period", {Status.PARTY})
parties_and_invited = _metric(
    "treaties.parties_and_invited", "Parties and States invited to accede at the end of the period", PARTIES_AND_INVITED
)
