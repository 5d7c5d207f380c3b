"""A sample programme for looking around (`make run`): every row flagged as sample, none of it presented as real.

It shows what the real programme's dashboard will show once events, committee and legislation records exist:
computed and manual indicators, every comparator, targets revised in a second logframe version, manual values in
each state of their review, and a frozen snapshot. Its one computed indicator reads the real treaty records.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from octopus.reports.models import Publication
from octopus.results import services
from octopus.results.models import Programme

CODE = "sample-programme"
SAMPLE_ACTIVITIES = [
    ("A2.1", "Sample conferences"),
    ("A2.2", "Sample T-CY meetings"),
    ("A2.3", "Sample workshops and trainings"),
    ("A2.4", "Sample contributions to others' events"),
    ("A2.5", "Sample legislative advice"),
    ("A2.6", "Sample questionnaire rounds"),
]
D = datetime.date


@transaction.atomic
def load_sample_programme(*, staff, reviewer, donor_code: str) -> Programme | None:
    """Create the sample programme unless it exists. `staff` enters values, `reviewer` approves them."""
    if Programme.objects.filter(code=CODE).exists():
        return None
    programme = services.create_programme(
        code=CODE,
        title="Sample programme (not real data)",
        starts_on=D(2014, 1, 1),
        ends_on=D(2023, 12, 31),
        budget_ceiling=Decimal("1200000"),
        implementing_office="Sample office",
        funding="Sample donor",
        description="Generated for trying Octopus. Every figure of this programme is invented.",
        source="Sample data loaded by manage.py load_sample_data.",
        is_sample=True,
        user=staff,
    )
    services.add_funder(programme, donor_code=donor_code, name="Sample donor", user=staff, is_sample=True)
    # Published, so that its public summary and IATI file can be seen (both say it is sample data).
    Publication.objects.create(
        programme=programme,
        public=True,
        title_fr="Programme d'exemple (données fictives)",
        description_fr="Créé pour essayer Octopus. Tous les chiffres de ce programme sont inventés.",
        dac_sectors=["15130"],
        topics=["Cybercrime legislation", "Capacity building"],
        is_sample=True,
    )
    v1 = services.latest_version(programme)
    objective = services.add_node(programme, level="objective", code="O", title="Sample objective", user=staff)
    output = services.add_node(
        programme, level="output", code="1", title="Sample output: countries trained", parent=objective, user=staff
    )
    services.add_node(
        programme, level="activity", code="A1.1", title="Sample activity: trainings", parent=output, user=staff
    )
    # The sample events, T-CY records, advice and money serve this programme through these activities (each
    # sample loader assigns its records), so no sample record ever counts for a real programme.
    events = services.add_node(
        programme, level="output", code="2", title="Sample output: events and advice", parent=objective, user=staff
    )
    for code, title in SAMPLE_ACTIVITIES:
        services.add_node(programme, level="activity", code=code, title=title, parent=events, user=staff)
    computed = [
        ("2.1", "Sample conferences held", "events.held", {"kinds": ["octopus_conference"]}, "conferences", "sum"),
        (
            "2.2",
            "Experts at the sample conferences",
            "events.participants",
            {"kinds": ["octopus_conference"]},
            "experts",
            "distinct",
        ),
        (
            "2.3",
            "Sample workshops held",
            "events.held",
            {"kinds": ["in_country_workshop", "regional_workshop"]},
            "workshops",
            "sum",
        ),
        (
            "2.4",
            "Countries given legislative advice (sample)",
            "legislation.countries_advised",
            {},
            "countries",
            "distinct",
        ),
    ]
    by_code = {}
    for code, title, key, params, unit, accumulation in computed:
        by_code[code] = services.define_indicator(
            events,
            code=code,
            title=title,
            metric_key=key,
            metric_params=params,
            unit=unit,
            accumulation=accumulation,
            frequency="year",
            user=staff,
            allow_unregistered=True,
        )
    services.set_target(by_code["2.3"], version=v1, period="life", comparator="le", value=Decimal("10"), user=staff)
    services.set_target(by_code["2.4"], version=v1, period="life", comparator="ge", value=Decimal("5"), user=staff)

    treaty = services.define_indicator(
        objective,
        code="O.1",
        title="Parties and invited States (CETS 185), read from the real treaty records",
        metric_key="treaties.parties_and_invited",
        metric_params={"treaty": 185},
        accumulation="latest",
        frequency="year",
        disaggregations=["country", "region"],
        user=staff,
    )
    trainings = services.define_indicator(
        output, code="1.1", title="Trainings held (sample)", manual=True, unit="trainings", frequency="year", user=staff
    )
    share = services.define_indicator(
        output,
        code="1.2",
        title="Share of trainees passing the test (sample)",
        manual=True,
        measure="percent",
        unit="%",
        accumulation="latest",
        frequency="year",
        baseline_value=Decimal("40"),
        baseline_on=D(2019, 12, 31),
        user=staff,
    )
    stage = services.define_indicator(
        output,
        code="1.3",
        title="Stage of the sample country's draft law (sample)",
        manual=True,
        measure="ordinal",
        scale=["No draft", "Draft", "In parliament", "Adopted"],
        accumulation="latest",
        frequency="year",
        user=staff,
    )
    services.set_target(treaty, version=v1, period="life", comparator="ge", value=Decimal("75"), user=staff)
    services.set_target(trainings, version=v1, period="life", comparator="le", value=Decimal("12"), user=staff)
    services.set_target(trainings, version=v1, period="2021", comparator="range", value=2, upper=4, user=staff)
    services.set_target(share, version=v1, period="life", comparator="ge", value=Decimal("70"), user=staff)
    services.set_target(stage, version=v1, period="life", comparator="eq", value=3, user=staff)

    entries = [
        (trainings, "2020", Decimal("2"), "approve"),
        (trainings, "2021", Decimal("4"), "approve"),
        (trainings, "2022", Decimal("3"), "submit"),
        (share, "2020", Decimal("52.5"), "approve"),
        (share, "2021", Decimal("61"), "return"),
        (stage, "2020", Decimal("1"), "approve"),
        (stage, "2021", Decimal("2"), "draft"),
    ]
    drafts = []
    for indicator, period, value, step in entries:
        entry = services.enter_manual_value(
            indicator,
            period=period,
            value=value,
            evidence_url="https://example.org/sample-evidence",
            note="Sample value.",
            user=staff,
            is_sample=True,
        )
        if step == "draft":
            drafts.append(entry)
        else:
            entry = services.submit_manual_value(entry, user=staff)
        if step == "approve":
            services.approve_manual_value(entry, user=reviewer)
        elif step == "return":
            services.return_manual_value(entry, user=reviewer, comment="Sample: attach the test results.")
    services.lock_period(programme, period="2020", user=staff)
    services.freeze_snapshot(programme, title="Sample progress report 2021", as_of=D(2021, 12, 31), user=staff)
    # Approved after the report went out: the dashboard shows it as a figure that needs a restatement reason.
    for entry in drafts:
        services.approve_manual_value(services.submit_manual_value(entry, user=staff), user=reviewer)
    v2 = services.revise_logframe(
        programme,
        valid_from=D(2022, 7, 1),
        ends_on=D(2024, 6, 30),
        decision="Sample revision: extended by six months, ceiling on trainings raised to 15.",
        user=staff,
    )
    services.set_target(trainings, version=v2, period="life", comparator="le", value=Decimal("15"), user=staff)
    return programme
