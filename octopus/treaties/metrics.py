"""Measures the treaty records support, for the results framework (registered at start-up)."""

from octopus.countries.models import Country
from octopus.lib.metrics import Metric, registry
from octopus.treaties.models import Treaty
from octopus.treaties.queries import Status, statuses_at

# The programme's first objective indicator counts Parties and the States invited to accede ("observers").
PARTIES_AND_INVITED = {Status.PARTY, Status.INVITED}


def _states(end, treaty: int, statuses: set[Status]) -> list[int]:
    found = Treaty.objects.filter(number=treaty).first()
    if found is None:
        return []
    return [pk for pk, status in statuses_at(found, end).items() if status.status in statuses]


def _metric(key: str, title: str, statuses: set[Status]) -> Metric:
    return registry.register(
        Metric(
            key=key,
            title=title,
            params=frozenset({"treaty"}),
            value=lambda start, end, treaty=185: len(_states(end, treaty, statuses)),
            drilldown=lambda start, end, treaty=185: Country.objects.filter(pk__in=_states(end, treaty, statuses)),
        )
    )


parties = _metric("treaties.parties", "Parties at the end of the period", {Status.PARTY})
parties_and_invited = _metric(
    "treaties.parties_and_invited", "Parties and States invited to accede at the end of the period", PARTIES_AND_INVITED
)
