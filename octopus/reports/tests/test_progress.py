"""Progress reports: the rules of the report and its narrative sections (stale saves refused, the approval
workflow), the figures assembled for the period equal to the records', and the report's page showing every part."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from octopus.accounts.models import AuditEntry, Role
from octopus.committees.models import Committee, Document, DocumentType, Meeting
from octopus.countries.models import Country
from octopus.events.models import Event, Status
from octopus.legislation.models import Advice, AdviceMode, AdviceRecommendation
from octopus.lib.errors import ConflictError, DomainError
from octopus.people.models import Sex
from octopus.reports import services
from octopus.reports.assembly import assemble
from octopus.reports.models import ReportSection, SectionKey, SectionStatus
from octopus.results.assignments import content_type
from octopus.results.models import Assignment, Programme
from octopus.results.tests.conftest import approved, built  # noqa: F401 (the fixture)
from octopus.testing.factories import EventFactory, PersonFactory, RegistrationFactory
from octopus.testing.helpers import make_user

D = datetime.date
YEAR_2016 = {"period_start": D(2016, 1, 1), "period_end": D(2016, 12, 31)}


def serve(record, programme) -> None:
    Assignment.objects.create(content_type=content_type(type(record)), object_id=record.pk, programme=programme)


def other_programme() -> Programme:
    return Programme.objects.create(
        code="other",
        title="Other",
        starts_on=D(2014, 1, 1),
        ends_on=D(2019, 12, 31),
        budget_ceiling=Decimal(1000),
        implementing_office="C-PROC",
    )


@pytest.fixture
def report(built):  # noqa: F811
    return services.create_report(built.programme, user=built.staff, **YEAR_2016)


def section_of(report, key=SectionKey.SUMMARY) -> ReportSection:
    return report.sections.get(key=key)


# --- the report and its sections -------------------------------------------------------------------------------


def test_a_new_report_has_every_narrative_section_as_an_empty_draft(built, report):  # noqa: F811
    assert report.title == "Progress report 2016-01-01 – 2016-12-31"
    assert report.created_by == built.staff
    assert not report.is_sample
    assert [s.key for s in sorted(report.sections.all(), key=lambda s: s.order)] == SectionKey.values
    assert {s.status for s in report.sections.all()} == {SectionStatus.DRAFT}
    assert AuditEntry.objects.filter(action="reports.report.created", object_id=str(report.pk)).exists()


@pytest.mark.parametrize(
    "start,end,message",
    [
        (D(2016, 12, 31), D(2016, 1, 1), "end after it starts"),
        (D(2016, 1, 1), D(2016, 1, 1), "end after it starts"),
        (D(2013, 7, 1), D(2014, 6, 30), "within the programme"),
        (D(2019, 7, 1), D(2020, 6, 30), "within the programme"),
    ],
)
def test_the_period_must_end_after_it_starts_and_lie_within_the_programme(built, start, end, message):  # noqa: F811
    with pytest.raises(DomainError, match=message):
        services.create_report(built.programme, period_start=start, period_end=end, user=built.staff)


def test_a_sample_programme_makes_a_sample_report(built):  # noqa: F811
    Programme.objects.filter(pk=built.programme.pk).update(is_sample=True)
    built.programme.refresh_from_db()
    assert services.create_report(built.programme, user=built.staff, **YEAR_2016).is_sample


def test_a_save_on_a_stale_version_is_refused_and_changes_nothing(built, report):  # noqa: F811
    section = section_of(report)
    first = services.save_section(section, text="First words", expected_version=1, user=built.staff)
    assert first.version == 2

    with pytest.raises(ConflictError):
        services.save_section(section, text="Overwrite", expected_version=1, user=built.reviewer)
    section.refresh_from_db()
    assert section.text == "First words"
    assert AuditEntry.objects.filter(action="reports.section.saved", object_id=str(section.pk)).count() == 1


def test_the_approval_workflow(built, report):  # noqa: F811
    section = section_of(report)
    with pytest.raises(DomainError, match="Write the section"):
        services.submit_section(section, expected_version=1, user=built.staff)
    section = services.save_section(section, text="The year in brief.", expected_version=1, user=built.staff)
    section = services.submit_section(section, expected_version=section.version, user=built.staff)
    assert section.status == SectionStatus.SUBMITTED
    with pytest.raises(DomainError, match="submitted"):
        services.save_section(section, text="Changed", expected_version=section.version, user=built.staff)

    section = services.approve_section(section, expected_version=section.version, user=built.reviewer)
    assert (section.status, section.approved_by) == (SectionStatus.APPROVED, built.reviewer)
    assert section.approved_at is not None
    with pytest.raises(DomainError, match="read-only"):
        services.save_section(section, text="Changed", expected_version=section.version, user=built.staff)
    with pytest.raises(DomainError, match="comment is required"):
        services.return_section(section, comment="  ", expected_version=section.version, user=built.reviewer)

    section = services.return_section(
        section, comment="Say more about Georgia.", expected_version=section.version, user=built.reviewer
    )
    assert (section.status, section.comment, section.approved_by) == (
        SectionStatus.RETURNED,
        "Say more about Georgia.",
        None,
    )
    section = services.save_section(section, text="Georgia too.", expected_version=section.version, user=built.staff)
    assert section.status == SectionStatus.DRAFT
    actions = list(
        AuditEntry.objects.filter(object_id=str(section.pk), action__startswith="reports.section.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reports.section.saved",
        "reports.section.submitted",
        "reports.section.approved",
        "reports.section.returned",
        "reports.section.saved",
    ]


def test_only_programme_staff_keep_sections(built, report):  # noqa: F811
    finance = make_user(Role.FINANCE_OFFICER)
    with pytest.raises(DomainError, match="Only programme staff"):
        services.save_section(section_of(report), text="x", expected_version=1, user=finance)
    with pytest.raises(DomainError, match="Only programme staff"):
        services.approve_section(section_of(report), expected_version=1, user=finance)


# --- the figures assembled -------------------------------------------------------------------------------------


def held_workshop(programme, day, country="GE", **fields) -> Event:
    event = EventFactory(starts_on=day, status=Status.HELD, country=Country.objects.get(iso2=country), **fields)
    if programme is not None:
        serve(event, programme)
    return event


def attend(event, sex, country="GE", attended=1):
    person = PersonFactory(sex=sex)
    return RegistrationFactory(
        event=event, person=person, country=Country.objects.get(iso2=country), attended_days=attended
    )


def build_world(programme, workshops: int = 2) -> dict:
    """Records in 2016 serving `programme`, and others that must not count: outside the period, serving another
    programme, not held."""
    other = other_programme()
    served = [held_workshop(programme, D(2016, 5, 10 + n)) for n in range(workshops)]
    attend(served[0], Sex.FEMALE)
    attend(served[0], Sex.MALE, country="AM")
    attend(served[-1], Sex.FEMALE)
    attend(served[-1], Sex.MALE, attended=0)  # registered, never came
    attend(held_workshop(programme, D(2017, 2, 1)), Sex.FEMALE)  # after the period
    attend(held_workshop(other, D(2016, 6, 1), country="MD"), Sex.MALE)  # another programme's
    EventFactory(starts_on=D(2016, 9, 1), status=Status.PLANNED)
    plenary = held_workshop(programme, D(2016, 6, 6), title="T-CY 999")
    Meeting.objects.create(committee=Committee.objects.get(code="T-CY"), event=plenary, number=999)
    advice = Advice.objects.create(
        country=Country.objects.get(iso2="AM"),
        reviewed="Draft law on cybercrime",
        mode=AdviceMode.DESK_REVIEW,
        starts_on=D(2016, 3, 1),
        ends_on=D(2016, 3, 2),
    )
    serve(advice, programme)
    AdviceRecommendation.objects.create(advice=advice, number=1, text="Define data", taken_up_on=D(2016, 10, 1))
    AdviceRecommendation.objects.create(advice=advice, number=2, text="Add safeguards")
    unserved = Advice.objects.create(
        country=Country.objects.get(iso2="MD"),
        reviewed="Another draft",
        mode=AdviceMode.MISSION,
        starts_on=D(2016, 4, 1),
        ends_on=D(2016, 4, 2),
    )
    serve(unserved, other)
    return {"served": served, "plenary": plenary}


def figures(part) -> dict:
    return {figure.key: figure.value for figure in part}


def adopted(type: str) -> int:
    return Document.objects.adopted().filter(is_sample=False, type=type, adopted_on__year=2016).count()


def test_the_figures_are_the_records_of_the_period_serving_the_programme(built, report):  # noqa: F811
    world = build_world(built.programme)
    approved(built, built.workshops, "2016", Decimal(3))

    assembled = assemble(report)

    events = figures(assembled.event_figures)
    # Two workshops and the plenary, held in 2016 and serving the programme.
    assert events["events"] == 3
    assert [e.title for e in assembled.events] == [*(e.title for e in world["served"]), "T-CY 999"]
    assert (events["participants"], events["participations"]) == (3, 3)
    assert (events["women"], events["men"], events["countries"]) == (2, 1, 2)
    assert figures(assembled.tcy_figures) == {
        "plenaries": 1,
        "guidance_notes": adopted(DocumentType.GUIDANCE_NOTE),
        "assessment_reports": adopted(DocumentType.ASSESSMENT_REPORT),
    }
    legislation = figures(assembled.legislation_figures)
    # Armenia advised; Georgia hosted the workshops.
    assert legislation == {"countries_assisted": 2, "countries_advised": 1, "advice": 1, "recommendations_taken_up": 1}
    assert [(a.country, a.recommendations, a.taken_up) for a in assembled.advice] == [("Armenia", 2, 1)]

    rows = {row.code: row for section in assembled.progress for row in section.rows}
    assert [column.key for column in assembled.columns] == ["2016"]
    assert rows["1.1"].cells[0].actual_text == "3"
    assert rows["1.1"].life_target == "≤ 25"
    assert assembled.funding is not None and assembled.funding.received == 0


def test_the_cost_does_not_grow_with_the_records(built, report):  # noqa: F811
    build_world(built.programme, workshops=1)
    with CaptureQueriesContext(connection) as few:
        assemble(report)
    for n in range(6):
        attend(held_workshop(built.programme, D(2016, 7, 1 + n)), Sex.FEMALE)
    with CaptureQueriesContext(connection) as many:
        assemble(report)
    assert len(many) == len(few)


# --- the page --------------------------------------------------------------------------------------------------


def test_the_page_shows_every_part(built, report, client):  # noqa: F811
    build_world(built.programme)
    client.force_login(built.staff)
    page = client.get(reverse("reports:report", args=[built.programme.code, report.pk])).content.decode()
    for part in ("cover", "progress", "events", "tcy", "legislation", "funding"):
        assert f'data-part="{part}"' in page, part
    for key in SectionKey.values:
        assert f'data-section-form="{key}"' in page, key
    assert 'data-figure="participants"' in page
    assert "data-sample-note" not in page


def test_staff_create_a_report_from_the_list(built, client):  # noqa: F811
    client.force_login(built.staff)
    url = reverse("reports:report_list", args=[built.programme.code])
    refused = client.post(url, {"title": "", "period_start": "2016-01-01", "period_end": "2020-06-30"})
    assert refused.status_code == 200
    assert 'data-field-error="period_end"' in refused.content.decode()

    response = client.post(url, {"title": "2016", "period_start": "2016-01-01", "period_end": "2016-12-31"})
    report = built.programme.reports.get()
    assert response.status_code == 302 and response.url == reverse("reports:report", args=["test-programme", report.pk])
    assert report.title == "2016"


def test_a_refused_save_keeps_the_typed_text(built, report, client):  # noqa: F811
    section = section_of(report)
    services.save_section(section, text="Someone else's words", expected_version=1, user=built.reviewer)
    client.force_login(built.staff)
    url = reverse("reports:report", args=[built.programme.code, report.pk])

    response = client.post(url, {"section": section.pk, "text": "My careful paragraph", "version": 1})

    page = response.content.decode()
    assert response.status_code == 200
    assert "My careful paragraph" in page
    assert "data-form-errors" in page
    section.refresh_from_db()
    assert section.text == "Someone else's words"


def test_the_workflow_buttons(built, report, client):  # noqa: F811
    section = services.save_section(section_of(report), text="Brief", expected_version=1, user=built.staff)
    url = reverse("reports:report", args=[built.programme.code, report.pk])
    client.force_login(built.staff)
    client.post(url, {"section": section.pk, "step": "submit", "version": section.version})
    section.refresh_from_db()
    assert section.status == SectionStatus.SUBMITTED

    client.force_login(built.reviewer)
    refused = client.post(url, {"section": section.pk, "step": "return", "comment": "", "version": section.version})
    assert 'data-field-error="comment"' in refused.content.decode()
    client.post(url, {"section": section.pk, "step": "approve", "version": section.version})
    section.refresh_from_db()
    assert (section.status, section.approved_by) == (SectionStatus.APPROVED, built.reviewer)
    page = client.get(url).content.decode()
    assert "data-approved-by" in page and "Brief" in page


def test_a_sample_report_carries_the_sample_note(built, client):  # noqa: F811
    Programme.objects.filter(pk=built.programme.pk).update(is_sample=True)
    built.programme.refresh_from_db()
    report = services.create_report(built.programme, user=built.staff, **YEAR_2016)
    client.force_login(built.staff)
    page = client.get(reverse("reports:report", args=[built.programme.code, report.pk])).content.decode()
    assert "data-sample-note" in page
