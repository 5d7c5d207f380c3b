"""Country statistics: the yearly figures of criminal justice action and international cooperation.

One entry point, `record_figures`, for the staff form, the API, the import and a submitted questionnaire: a year's
figures of one country are checked together (no negative figure, no year in the future, no more requests executed
than received, counting the figures already recorded) and written together, or not at all.

Focal points report through a yearly `surveys` questionnaire (`create_statistics_questionnaire`): one number question
per figure, coded by the figure. When a reply is submitted, `record_submitted_figures` (connected to
`surveys.hooks.response_submitted`) records its figures for the replying country, or refuses the submission with
a message on the question at fault.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from octopus.accounts.services import log_action, snapshot
from octopus.countries.models import Country
from octopus.legislation.models import (
    EXECUTED_WITHIN_RECEIVED,
    Figure,
    Statistic,
    StatisticSource,
    StatisticsQuestionnaire,
)
from octopus.legislation.services.checks import check_choice
from octopus.lib.errors import ConflictError, DomainError
from octopus.lib.locking import STALE
from octopus.surveys import services as surveys
from octopus.surveys.models import Purpose, QuestionType
from octopus.surveys.services import AnswersInvalid

FIRST_YEAR = 1990  # before the Convention was drafted: a year earlier is a typing error
MAX_FIGURE = 2_000_000_000  # more than any country's yearly count; a larger number is a typing error


def check_figure(figure: str, value) -> None:
    """One figure: a whole number from 0 to MAX_FIGURE."""
    label = Figure(figure).label
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("%(figure)s must be a whole number.") % {"figure": label})
    if value < 0:
        raise DomainError(_("%(figure)s cannot be negative (%(value)s).") % {"figure": label, "value": value})
    if value > MAX_FIGURE:
        raise DomainError(
            _("%(figure)s cannot be more than %(max)s (%(value)s).")
            % {"figure": label, "max": f"{MAX_FIGURE:,}", "value": value}
        )


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
                % {
                    "executed": executed.label,
                    "done": values[executed],
                    "received": received.label,
                    "got": values[received],
                }
            )


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
    With `versions` ({figure: version read}; a form or the API), a figure already recorded is corrected only if its
    version read is sent and current, so a value changed meanwhile (or never seen) is not overwritten."""
    check_year(year)
    check_choice(source, StatisticSource, _("source of statistics"))
    citation = (citation or "").strip()
    if source == StatisticSource.PUBLISHED and not citation:
        raise DomainError(_("Cite the published source of these figures."))
    if not values:
        raise DomainError(_("Give at least one figure."))
    for figure, value in values.items():
        check_choice(figure, Figure, _("figure"))
        check_figure(figure, value)
    # One writer per country at a time, so that two new figures of a year are checked against each other.
    Country.objects.select_for_update().filter(pk=country.pk).first()
    recorded = {row.figure: row for row in Statistic.objects.select_for_update().filter(country=country, year=year)}
    if versions is not None:  # a correction must say which value it corrects
        for figure in values:
            if figure in recorded and versions.get(figure) != recorded[figure].version:
                raise ConflictError(STALE)
    check_consistent({**{f: row.value for f, row in recorded.items()}, **values})
    written = []
    for figure, value in values.items():
        row = recorded.get(figure)
        if row is None:
            row = Statistic.objects.create(
                country=country,
                year=year,
                figure=figure,
                value=value,
                source=source,
                citation=citation,
                response=response,
                recorded_by=user,
                is_sample=is_sample,
            )
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


# --- the yearly questionnaire ------------------------------------------------------------------------------------

# The questionnaire's sections, each with its figures in the order asked.
SECTIONS = [
    (
        gettext_lazy("Criminal justice action"),
        [Figure.CASES_RECORDED, Figure.CASES_INVESTIGATED, Figure.CASES_PROSECUTED, Figure.CASES_CONVICTED],
    ),
    (
        gettext_lazy("International cooperation"),
        [
            Figure.MLA_SENT,
            Figure.MLA_RECEIVED,
            Figure.MLA_EXECUTED,
            Figure.MLA_MEDIAN_DAYS,
            Figure.CONTACT_247_SENT,
            Figure.CONTACT_247_RECEIVED,
            Figure.CONTACT_247_EXECUTED,
            Figure.PRESERVATION_SENT,
            Figure.PRESERVATION_RECEIVED,
        ],
    ),
]

# What each figure counts, for respondents and for staff typing figures in.
FIGURE_HELP = {
    Figure.CASES_RECORDED: gettext_lazy(
        "Cases of cybercrime (offences of Articles 2–11 of the Convention) recorded by the police in the year."
    ),
    Figure.CASES_INVESTIGATED: gettext_lazy(
        "Cybercrime cases for which a criminal investigation was opened in the year."
    ),
    Figure.CASES_PROSECUTED: gettext_lazy("Cybercrime cases brought before a court (indictments) in the year."),
    Figure.CASES_CONVICTED: gettext_lazy("Cybercrime cases decided in the year with at least one conviction."),
    Figure.MLA_SENT: gettext_lazy(
        "Requests for mutual legal assistance in cybercrime or electronic evidence sent to other States in the year."
    ),
    Figure.MLA_RECEIVED: gettext_lazy("Such requests received from other States in the year."),
    Figure.MLA_EXECUTED: gettext_lazy("Requests received in the year that were executed; no more than those received."),
    Figure.MLA_MEDIAN_DAYS: gettext_lazy(
        "Median number of days from receiving a request to executing it, for the requests executed in the year."
    ),
    Figure.CONTACT_247_SENT: gettext_lazy("Requests sent through the 24/7 point of contact in the year."),
    Figure.CONTACT_247_RECEIVED: gettext_lazy("Requests received by the 24/7 point of contact in the year."),
    Figure.CONTACT_247_EXECUTED: gettext_lazy(
        "Requests received by the 24/7 point of contact that were executed; no more than those received."
    ),
    Figure.PRESERVATION_SENT: gettext_lazy(
        "Requests for the expedited preservation of stored data (Article 29) sent in the year."
    ),
    Figure.PRESERVATION_RECEIVED: gettext_lazy("Requests for expedited preservation received in the year."),
}


def questionnaire_code(year: int) -> str:
    return f"country-statistics-{year}"


@transaction.atomic
def create_statistics_questionnaire(year: int, *, user):
    """The questionnaire that collects the figures of `year`, in draft: staff then open it and choose the
    countries to answer (the `surveys` pages). One per year, and not for a year still to come."""
    check_year(year)
    if StatisticsQuestionnaire.objects.filter(year=year).exists():
        raise DomainError(_("The statistics questionnaire for %(year)s has already been prepared.") % {"year": year})
    questionnaire = surveys.create_questionnaire(
        user=user,
        code=questionnaire_code(year),
        title=_("Country statistics %(year)s") % {"year": year},
        purpose=Purpose.STATISTICS,
        description=_(
            "Your country's figures for %(year)s: criminal justice action on cybercrime and international "
            "cooperation. Leave blank what is not known; give whole numbers."
        )
        % {"year": year},
    )
    for title, figures in SECTIONS:
        section = surveys.add_section(questionnaire, user=user, title=str(title))
        for figure in figures:
            surveys.add_question(
                section,
                user=user,
                code=figure.value,
                text=str(figure.label),
                type=QuestionType.NUMBER,
                help=str(FIGURE_HELP[figure]),
                min_value=0,
                max_value=MAX_FIGURE,
            )
    StatisticsQuestionnaire.objects.create(questionnaire=questionnaire, year=year)
    return questionnaire


def reply_citation(response, revision) -> str:
    return f"Questionnaire {response.questionnaire.code}, reply {revision.number}"


def record_submitted_figures(*, response, revision, user) -> None:
    """Registered on `surveys.hooks.response_submitted`: the figures of a submitted statistics reply are recorded
    for the replying country. A figure that is not a whole number or is negative, or more requests executed than
    received (counting figures already recorded for the year), refuses the submission with the message on the
    question; nothing is then saved and the reply stays a draft."""
    link = StatisticsQuestionnaire.objects.filter(questionnaire_id=response.questionnaire_id).first()
    if link is None:
        return  # not a statistics questionnaire
    if response.country_id is None:
        raise DomainError(_("Statistics are reported by a country, not by a person."))
    values, errors = {}, {}
    for code, answer in revision.data.items():
        if code not in Figure.values:
            continue  # a question of its own the secretariat added: not a figure
        try:
            number = Decimal(str(answer))
        except InvalidOperation:
            errors[code] = _("Enter a whole number.")
            continue
        if number < 0:
            errors[code] = _("A figure cannot be negative.")
        elif number > MAX_FIGURE:
            errors[code] = _("A figure cannot be more than %(max)s.") % {"max": f"{MAX_FIGURE:,}"}
        elif number != number.to_integral_value():
            errors[code] = _("Enter a whole number.")
        else:
            values[code] = int(number)
    recorded = dict(
        Statistic.objects.filter(country_id=response.country_id, year=link.year).values_list("figure", "value")
    )
    merged = {**recorded, **values}
    for executed, received in EXECUTED_WITHIN_RECEIVED.items():
        done, got = merged.get(executed), merged.get(received)
        if done is not None and got is not None and done > got:
            at = executed.value if executed.value in values else received.value
            errors[at] = _("%(executed)s (%(done)s) cannot be more than %(received)s (%(got)s).") % {
                "executed": executed.label,
                "done": done,
                "received": received.label,
                "got": got,
            }
    if errors:
        raise AnswersInvalid(errors)
    if values:
        record_figures(
            response.country,
            link.year,
            values,
            source=StatisticSource.QUESTIONNAIRE,
            user=user,
            response=response,
            citation=reply_citation(response, revision),
        )
