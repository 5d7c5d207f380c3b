"""A programme's IATI 2.03 activity file, built from the records each time it is asked for.

Only what the records support goes in: an element whose facts are not recorded is left out, never guessed. The
results are read through `results.queries.programme_results`, the function the values API reads, so every actual
in the file equals the API's value for the same indicator and period. Money from the funding records is published
as yearly totals (in EUR, at each record's own value date), never per donor: a donor reads only its own amounts
(README, Funding), and a public file must not tell one donor what another gave.
"""

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from octopus.events.models import Event, Format
from octopus.events.models import Status as EventStatus
from octopus.funding.models import Budget, BudgetKind, ClosedYear, Contribution, Expenditure, ExpenditureStatus, Receipt
from octopus.results.assignments import serving
from octopus.results.models import Direction, Level, Measure, Programme
from octopus.results.periods import LIFE
from octopus.results.queries import PeriodResult, programme_results, versions_at

VERSION = "2.03"
SCHEMA = Path(__file__).parent / "iati_schema" / "iati-activities-schema.xsd"
ORGANISATION_SCHEMA = Path(__file__).parent / "iati_schema" / "iati-organisations-schema.xsd"
REPORTING_ORG_NAME = "Council of Europe"
REPORTING_ORG_TYPE = "40"  # Multilateral (IATI OrganisationType)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# IATI codelists.
FUNDING, IMPLEMENTING = "1", "4"  # OrganisationRole
PIPELINE, IMPLEMENTATION, FINALISATION, CLOSED = "1", "2", "3", "4"  # ActivityStatus
PLANNED_START, ACTUAL_START, PLANNED_END = "1", "2", "3"  # ActivityDateType
INCOMING_FUNDS, OUTGOING_COMMITMENT, EXPENDITURE, INCOMING_COMMITMENT = "1", "2", "4", "11"  # TransactionType
RESULT_TYPE = {Level.OBJECTIVE: "2", Level.OUTPUT: "1", Level.ACTIVITY: "9"}  # Outcome, Output, Other
MEASURE = {
    Measure.COUNT: "1",
    Measure.CURRENCY: "1",
    Measure.PERCENT: "2",
    Measure.ORDINAL: "4",
    Measure.QUALITATIVE: "5",
}
REPORTING_ORGANISATION_VOCABULARY = "99"  # IndicatorVocabulary / ResultVocabulary: the reporter's own codes


class NotConfigured(Exception):
    """The reporting organisation's IATI identifier is not set: no file can be published."""


def reporting_org() -> str:
    identifier = (getattr(settings, "IATI_REPORTING_ORG", "") or "").strip()
    if not identifier:
        raise NotConfigured(
            _(
                "The IATI file is not published yet: the reporting organisation's IATI identifier is not set "
                "(environment variable OCTOPUS_IATI_REPORTING_ORG)."
            )
        )
    return identifier


def identifier(programme: Programme) -> str:
    return f"{reporting_org()}-{programme.code}"


def file_name(programme: Programme) -> str:
    return f"iati-activity-{programme.code}.xml"


def activity_file(programme: Programme, *, today: datetime.date | None = None) -> bytes:
    """The IATI 2.03 activity file of `programme` (an `iati-activities` document holding one activity), as UTF-8
    XML. Raises NotConfigured while the reporting organisation's identifier is not set."""
    org = reporting_org()
    today = today or timezone.localdate()
    with translation.override("en"):  # the narratives are declared English
        root = etree.Element(
            "iati-activities",
            version=VERSION,
            **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
        )
        if programme.is_sample:
            root.append(
                etree.Comment(" " + _("SAMPLE DATA: an invented programme for trying Octopus, not real.") + " ")
            )
        root.append(_activity(programme, org, today))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def organisation_file() -> bytes:
    """The IATI 2.03 organisation file of the reporting organisation: who it is, and nothing Octopus cannot support
    (its total budget and expenditure are the whole organisation's, which the programmes' records do not hold)."""
    org = reporting_org()
    with translation.override("en"):
        root = etree.Element(
            "iati-organisations",
            version=VERSION,
            **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
        )
        organisation = _sub(
            root,
            "iati-organisation",
            **{
                "{http://www.w3.org/XML/1998/namespace}lang": "en",
                "last-updated-datetime": timezone.now().replace(microsecond=0).isoformat(),
            },
        )
        _sub(organisation, "organisation-identifier", org)
        _texts(organisation, "name", REPORTING_ORG_NAME)
        _texts(organisation, "reporting-org", REPORTING_ORG_NAME, ref=org, type=REPORTING_ORG_TYPE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(content: bytes, schema_file: Path = SCHEMA) -> list[str]:
    """The schema's complaints about `content` (none when it validates against the IATI 2.03 activities schema, or
    the one `schema_file` names)."""
    schema = etree.XMLSchema(etree.parse(str(schema_file)))
    document = etree.fromstring(content)
    return [] if schema.validate(document) else [str(error) for error in schema.error_log]


# --- the activity -------------------------------------------------------------------------------------------------


def _sub(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _narrative(parent, text: str, lang: str | None = None):
    element = _sub(parent, "narrative", text)
    if lang:
        element.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    return element


def _texts(parent, tag: str, english: str, french: str = "", **attributes):
    element = _sub(parent, tag, **attributes)
    _narrative(element, english)
    if french:
        _narrative(element, french, "fr")
    return element


def _activity(programme: Programme, org: str, today: datetime.date):
    publication = getattr(programme, "publication", None)
    activity = etree.Element(
        "iati-activity",
        {
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            "default-currency": programme.currency,
            "last-updated-datetime": timezone.now().replace(microsecond=0).isoformat(),
        },
    )
    _sub(activity, "iati-identifier", f"{org}-{programme.code}")
    _texts(activity, "reporting-org", REPORTING_ORG_NAME, ref=org, type=REPORTING_ORG_TYPE)
    _texts(activity, "title", programme.title, publication.title_fr if publication else "")
    _texts(
        activity,
        "description",
        programme.description or programme.title,
        publication.description_fr if publication else "",
        type="1",  # General
    )
    for funder in programme.funders.order_by("name"):
        _texts(activity, "participating-org", funder.name, role=FUNDING)
    if programme.implementing_office:
        _texts(activity, "participating-org", programme.implementing_office, role=IMPLEMENTING)

    version, _versions, _numbers = versions_at(programme, today)
    ends_on = version.ends_on  # the end the logframe in force plans
    _sub(activity, "activity-status", code=_status(programme, ends_on, today))
    _sub(activity, "activity-date", type=PLANNED_START, iso_date=programme.starts_on.isoformat())
    if programme.starts_on <= today:
        _sub(activity, "activity-date", type=ACTUAL_START, iso_date=programme.starts_on.isoformat())
    _sub(activity, "activity-date", type=PLANNED_END, iso_date=ends_on.isoformat())

    for code, share in recipient_countries(programme):
        _sub(activity, "recipient-country", code=code, percentage=share)
    sectors = list(dict.fromkeys(publication.dac_sectors)) if publication else []
    for code, share in zip(sectors, _split(len(sectors)), strict=True):
        _sub(activity, "sector", vocabulary="1", code=code, percentage=share)

    _budgets(activity, programme, ends_on)
    _transactions(activity, programme, today)
    _results(activity, programme, today)
    return activity


def _status(programme: Programme, ends_on: datetime.date, today: datetime.date) -> str:
    if today < programme.starts_on:
        return PIPELINE
    if today <= ends_on:
        return IMPLEMENTATION
    # Over: closed once the books of its last year are closed, else still being finalised.
    return CLOSED if ClosedYear.objects.filter(programme=programme, year=ends_on.year).exists() else FINALISATION


def _split(count: int) -> list[str]:
    """100 % in `count` equal parts to the cent, the remaining cents on the first parts, so they sum to 100."""
    if not count:
        return []
    part = (HUNDRED / count).quantize(CENT, rounding=ROUND_DOWN)
    parts = [part] * count
    for index in range(int((HUNDRED - part * count) / CENT)):
        parts[index] += CENT
    return [_plain(p) for p in parts]


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def recipient_countries(programme: Programme) -> list[tuple[str, str]]:
    """(ISO code, percentage) of the countries where the programme's events took place (held, planned or
    confirmed, not online), by their number of events; the percentages sum to 100. None without such events."""
    events = (
        serving(Event.objects.all(), [programme.pk])
        .exclude(status=EventStatus.CANCELLED)
        .exclude(format=Format.ONLINE)
        .filter(country__isnull=False)
    )
    counts = Counter(dict(events.values_list("country__iso2").annotate(n=Count("pk")).order_by()))
    total = sum(counts.values())
    if not total:
        return []
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shares = [(Decimal(n) * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP) for _code, n in ordered]
    shares[0] += HUNDRED - sum(shares)  # the rounding's cents go to the country with most events
    return [(code, _plain(share)) for (code, _n), share in zip(ordered, shares, strict=True)]


# --- money --------------------------------------------------------------------------------------------------------


def _value(parent, amount: Decimal, day: datetime.date, currency: str = "EUR"):
    return _sub(parent, "value", format(amount.quantize(CENT), "f"), currency=currency, value_date=day.isoformat())


def _budgets(activity, programme: Programme, ends_on: datetime.date) -> None:
    """The budget in force (the latest adopted), one element per programme year, clipped to the programme's dates
    (its end as the logframe in force plans it)."""
    budget = Budget.objects.filter(programme=programme).order_by("-number").first()
    if budget is None:
        return
    years = budget.lines.values("year").annotate(eur=Sum("amount_eur")).order_by("year")
    for row in years:
        start = max(datetime.date(row["year"], 1, 1), programme.starts_on)
        end = max(min(datetime.date(row["year"], 12, 31), ends_on), start)
        element = _sub(
            activity, "budget", type="1" if budget.kind == BudgetKind.ORIGINAL else "2", status="1"
        )  # status 1: indicative — a plan, not an agreement with anyone
        _sub(element, "period-start", iso_date=start.isoformat())
        _sub(element, "period-end", iso_date=end.isoformat())
        _value(element, row["eur"], budget.adopted_on)


def _yearly(queryset, date_field: str, amount_field: str) -> list[tuple[int, datetime.date, Decimal, int]]:
    """(year, last day recorded that year, EUR total, number of records) per year of `date_field`."""
    rows = (
        queryset.annotate(year=ExtractYear(date_field))
        .values("year")
        .annotate(last=Max(date_field), eur=Sum(amount_field), n=Count("pk"))
        .order_by("year")
    )
    return [(r["year"], r["last"], r["eur"], r["n"]) for r in rows if r["eur"] is not None]


def _transactions(activity, programme: Programme, today: datetime.date) -> None:
    signed = Contribution.objects.filter(
        programme=programme, signed_on__isnull=False, signed_eur__isnull=False, signed_on__lte=today
    ).exclude(status="cancelled")
    received = Receipt.objects.filter(contribution__programme=programme, received_on__lte=today)
    spending = Expenditure.objects.filter(programme=programme, spent_on__lte=today)
    kinds = [
        (INCOMING_COMMITMENT, signed, "signed_on", "signed_eur", _("Agreements signed in %(year)s: %(count)s")),
        (INCOMING_FUNDS, received, "received_on", "eur", _("Contributions received in %(year)s: %(count)s")),
        (
            OUTGOING_COMMITMENT,
            spending.filter(status=ExpenditureStatus.COMMITTED),
            "spent_on",
            "eur",
            _("Expenditure committed in %(year)s: %(count)s entries"),
        ),
        (
            EXPENDITURE,
            spending.filter(status=ExpenditureStatus.SPENT),
            "spent_on",
            "eur",
            _("Expenditure in %(year)s: %(count)s entries"),
        ),
    ]
    found = []
    for code, queryset, date_field, amount_field, label in kinds:
        for year, last, eur, count in _yearly(queryset, date_field, amount_field):
            found.append((last, code, eur, label % {"year": year, "count": count}))
    for day, code, eur, label in sorted(found, key=lambda row: (row[0], row[1])):
        transaction = _sub(activity, "transaction")
        _sub(transaction, "transaction-type", code=code)
        _sub(transaction, "transaction-date", iso_date=day.isoformat())
        _value(transaction, eur, day)
        _texts(transaction, "description", label)


# --- results ------------------------------------------------------------------------------------------------------


COMPARATOR = {
    "le": gettext_noop("at most %(value)s"),
    "ge": gettext_noop("at least %(value)s"),
    "range": gettext_noop("between %(value)s and %(upper)s"),
}


def result_periods(row) -> list[PeriodResult]:
    """The periods an indicator is reported for: each of its own periods with a target or a value, then the life of
    the programme (its value to date) when the indicator reports at a finer frequency."""
    periods = [p for p in row.periods if p.goal is not None or p.actual is not None]
    life = row.to_date
    if (life.goal is not None or life.actual is not None) and not any(p.period.kind == LIFE for p in periods):
        periods.append(life)
    return periods


def _results(activity, programme: Programme, today: datetime.date) -> None:
    results = programme_results(programme, today)
    for node_results in results.nodes:
        if not node_results.indicators:
            continue
        node = node_results.node
        result = _sub(activity, "result", type=RESULT_TYPE.get(node.level, "9"))
        _texts(result, "title", f"{node.code}. {node.title}")
        if node.description:
            _texts(result, "description", node.description)
        for row in node_results.indicators:
            _indicator(result, row)


def _indicator(result, row) -> None:
    indicator = row.indicator
    attributes = {"measure": MEASURE.get(indicator.measure, "1")}
    if indicator.direction != Direction.NONE:
        attributes["ascending"] = "true" if indicator.direction == Direction.INCREASE else "false"
    element = _sub(result, "indicator", **attributes)
    _texts(element, "title", f"{indicator.code}. {indicator.title}")
    if indicator.definition:
        _texts(element, "description", indicator.definition)
    _sub(element, "reference", vocabulary=REPORTING_ORGANISATION_VOCABULARY, code=indicator.code)
    if indicator.baseline_value is not None and indicator.baseline_on is not None:
        baseline = _sub(
            element,
            "baseline",
            year=indicator.baseline_on.year,
            iso_date=indicator.baseline_on.isoformat(),
            value=str(indicator.baseline_value),
        )
        if indicator.baseline_note:
            _texts(baseline, "comment", indicator.baseline_note)
    for found in result_periods(row):
        period = _sub(element, "period")
        _sub(period, "period-start", iso_date=found.period.start.isoformat())
        _sub(period, "period-end", iso_date=found.period.end.isoformat())
        if found.goal is not None:
            target = _sub(period, "target", value=str(found.goal.value))
            if found.goal.comparator in COMPARATOR:
                words = _(COMPARATOR[found.goal.comparator]) % {"value": found.goal.value, "upper": found.goal.upper}
                _texts(target, "comment", words)
        if found.actual is not None:
            actual = _sub(period, "actual", value=str(found.actual))
            if found.label:
                _texts(actual, "comment", found.label)


def periods_by_indicator(content: bytes) -> dict[str, dict[tuple[str, str], str | None]]:
    """Read back: indicator code → (period start, period end) → actual value, from an activity file."""
    found: dict[str, dict[tuple[str, str], str | None]] = defaultdict(dict)
    for indicator in etree.fromstring(content).iter("indicator"):
        code = indicator.find("reference").get("code")
        for period in indicator.findall("period"):
            actual = period.find("actual")
            key = (period.find("period-start").get("iso-date"), period.find("period-end").get("iso-date"))
            found[code][key] = None if actual is None else actual.get("value")
    return dict(found)
