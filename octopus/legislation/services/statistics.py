"""Country statistics: the yearly figures of criminal justice action and international cooperation.

One entry point, `record_figures`, for the staff form, the API, the import and a submitted questionnaire: a year's
figures of one country are checked together (no negative figure, no year in the future, no more requests executed
than received, counting the figures already recorded) and written together, or not at all.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.accounts.services import STALE, ConflictError, DomainError, log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import EXECUTED_WITHIN_RECEIVED, Figure, Statistic, StatisticSource
from octopus.legislation.services.checks import check_choice

FIRST_YEAR = 1990  # before the Convention was drafted: a year earlier is a typing error


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise DomainError(
            _("%(year)s is not a year figures can be reported for (%(first)s to this year).")
            % {"year": year, "first": FIRST_YEAR}
        )


def check_consistent(values: dict[str, int]) -> None:
    """The rules between a year's figures, on all of them (recorded and new): executed ≤ received."""
    for executed, received in EXECUTED_WITHIN_RECEIVED.items():
        if (
            values.get(executed) is not None
            and values.get(received) is not None
            and values[executed] > values[received]
        ):
            raise DomainError(
                _("%(executed)s (%(done)s) cannot be more than %(received)s (%(got)s).")
                % {"executed": executed.label, "done": values[executed], "received": received.label,
                   "got": values[received]}
            )  # fmt: skip


@transaction.atomic
def record_figures(
    country: Country,
    year: int,
    values: dict[str, int],
    *,
    source: str,
    user,
    citation: str = "",
    response=None,
    versions: dict[str, int] | None = None,
    is_sample: bool = False,
) -> list[Statistic]:
    """Record (or correct) figures of `country` for `year`: {figure: value}. A published source needs a citation.
    `versions` ({figure: version read}) makes a correction refuse to overwrite a value changed meanwhile."""
    check_year(year)
    check_choice(source, StatisticSource, _("source of statistics"))
    citation = (citation or "").strip()
    if source == StatisticSource.PUBLISHED and not citation:
        raise DomainError(_("Cite the published source of these figures."))
    if not values:
        raise DomainError(_("Give at least one figure."))
    for figure, value in values.items():
        check_choice(figure, Figure, _("figure"))
        if isinstance(value, bool) or not isinstance(value, int):
            raise DomainError(_("%(figure)s must be a whole number.") % {"figure": Figure(figure).label})
        if value < 0:
            raise DomainError(_("%(figure)s cannot be negative (%(value)s).") % {"figure": Figure(figure).label,
                                                                                 "value": value})  # fmt: skip
    recorded = {
        row.figure: row for row in Statistic.objects.select_for_update().filter(country=country, year=year)
    }  # fmt: skip
    for figure, version in (versions or {}).items():
        if figure in recorded and recorded[figure].version != version:
            raise ConflictError(STALE)
    check_consistent({**{f: row.value for f, row in recorded.items()}, **values})
    written = []
    for figure, value in values.items():
        row = recorded.get(figure)
        if row is None:
            row = Statistic.objects.create(
                country=country, year=year, figure=figure, value=value, source=source, citation=citation,
                response=response, recorded_by=user, is_sample=is_sample,
            )  # fmt: skip
            log_action(row, "legislation.statistic.recorded", user=user, after=snapshot(row))
        elif (row.value, row.source, row.citation, row.response_id) != (
            value,
            source,
            citation,
            getattr(response, "pk", None),
        ):
            before = snapshot(row)
            row.value, row.source, row.citation, row.response = value, source, citation, response
            row.recorded_by, row.recorded_at = user, timezone.now()
            row.version += 1
            row.save()
            log_action(row, "legislation.statistic.corrected", user=user, before=before, after=snapshot(row))
        written.append(row)
    return written
