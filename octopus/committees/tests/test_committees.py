"""The T-CY: membership derived from the treaty actions and admissions, the document register and its metric."""

import datetime

import pytest

from octopus.accounts.models import AuditEntry, Role
from octopus.committees.models import Committee, Document, DocumentStatus
from octopus.committees.queries.membership import membership_at
from octopus.committees.reference_data import load_guidance_notes
from octopus.committees.services import documents, membership
from octopus.countries.models import Country
from octopus.lib.errors import DomainError
from octopus.lib.metrics import reading, registry
from octopus.people.models import Organisation
from octopus.testing.helpers import make_user
from octopus.treaties.models import Treaty, TreatyAction

D = datetime.date


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def committee(db):
    """A committee of a treaty of its own, so that every act under it is the test's."""
    treaty = Treaty.objects.create(number=99901, short_name="Test treaty", title="Test treaty")
    acts = [
        ("FR", "signed", D(2015, 1, 10)),
        ("FR", "ratified", D(2016, 3, 1)),  # ratifies in the middle of a round…
        ("FR", "in_force", D(2016, 7, 1)),  # …and is a member from the entry into force
        ("GE", "invited", D(2015, 6, 1)),
        ("AM", "in_force", D(2014, 1, 1)),
    ]
    for iso2, kind, day in acts:
        TreatyAction.objects.create(
            treaty=treaty, country=Country.objects.get(iso2=iso2), kind=kind, date=day, source="test"
        )
    return Committee.objects.create(code="TEST", name="Test committee", treaty=treaty)


def names(countries) -> list[str]:
    return [c.iso2 for c in countries]


def test_a_state_that_ratifies_mid_round_is_an_observer_until_the_treaty_is_in_force_for_it(committee):
    before, after = membership_at(committee, D(2016, 6, 30)), membership_at(committee, D(2016, 7, 1))

    assert (names(before.members), names(before.observer_states)) == (["AM"], ["FR", "GE"])
    assert (names(after.members), names(after.observer_states)) == (["AM", "FR"], ["GE"])
    # Why each observes, and since when; members since the entry into force.
    assert [(r.country.iso2, r.reasons, r.since) for r in before.observer_state_rows()] == [
        ("FR", ["Ratified or acceded, not yet in force"], D(2016, 3, 1)),
        ("GE", ["Invited to accede"], D(2015, 6, 1)),
    ]
    assert [(r.country.iso2, r.since) for r in after.member_rows()] == [("AM", D(2014, 1, 1)), ("FR", D(2016, 7, 1))]
    assert names(membership_at(committee, D(2015, 3, 1)).observer_states) == ["FR"]  # signatory only, then


def test_a_party_needs_no_admission_and_an_observer_is_admitted_once(committee, staff):
    with pytest.raises(DomainError, match="is a Party on 2016-07-01, hence a member"):
        membership.admit_observer(
            committee, country=Country.objects.get(iso2="FR"), admitted_on=D(2016, 7, 1), user=staff
        )
    japan = Country.objects.get(iso2="JP")
    membership.admit_observer(committee, country=japan, admitted_on=D(2016, 1, 1), user=staff, decision="TEST 3")
    with pytest.raises(DomainError, match="Japan is already an observer"):
        membership.admit_observer(committee, country=japan, admitted_on=D(2017, 1, 1), user=staff)

    rows = membership_at(committee, D(2016, 2, 1)).observer_state_rows()
    assert [(r.country.iso2, r.reasons, r.since, r.admission.decision if r.admission else "") for r in rows] == [
        ("FR", ["Signatory"], D(2015, 1, 10), ""),
        ("GE", ["Invited to accede"], D(2015, 6, 1), ""),
        ("JP", ["Admitted"], D(2016, 1, 1), "TEST 3"),
    ]
    assert AuditEntry.objects.filter(action="committees.observer.admitted").count() == 1


def test_an_admitted_observer_counts_from_its_admission_to_its_end(committee, staff, django_assert_num_queries):
    unodc = Organisation.objects.create(name="UNODC", sector="international_organisation")
    admission = membership.admit_observer(committee, organisation=unodc, admitted_on=D(2016, 1, 1), user=staff)
    membership.admit_observer(committee, country=Country.objects.get(iso2="JP"), admitted_on=D(2016, 1, 1), user=staff)
    membership.end_admission(admission, ended_on=D(2017, 12, 31), user=staff)

    with django_assert_num_queries(3):
        during = membership_at(committee, D(2017, 6, 1))

    assert during.counts == {"members": 2, "observer_states": 2, "observer_organisations": 1}
    assert names(during.observer_states) == ["GE", "JP"]
    assert membership_at(committee, D(2018, 1, 1)).observer_organisations == []
    assert membership_at(committee, D(2015, 12, 31)).counts["observer_organisations"] == 0
    assert AuditEntry.objects.filter(action__startswith="committees.observer.").count() == 3


def test_an_admission_is_of_a_state_or_an_organisation_and_ends_after_it_begins(committee, staff):
    with pytest.raises(DomainError, match="either a State or an organisation"):
        membership.admit_observer(committee, admitted_on=D(2016, 1, 1), user=staff)
    admission = membership.admit_observer(
        committee, country=Country.objects.get(iso2="JP"), admitted_on=D(2016, 1, 1), user=staff
    )
    with pytest.raises(DomainError, match="cannot end before it began"):
        membership.end_admission(admission, ended_on=D(2015, 1, 1), user=staff)


def test_the_guidance_notes_load_with_only_what_the_sources_say(db):
    notes = {(n.number, n.title): n for n in Document.objects.filter(type="guidance_note")}

    assert len(notes) == 12
    first = notes[(1, 'Notion of "computer system"')]
    # "adopted at the 8th Plenary", held 5-6 December 2012: known to the month, stored as its first day
    assert (first.status, first.dated_as, first.adopted_at_plenary) == ("adopted", (D(2012, 12, 1), "month"), 8)
    production = notes[(10, "Production orders for subscriber information (Article 18 Budapest Convention)")]
    assert (production.status, production.adopted_on, production.written_procedure) == ("adopted", D(2017, 2, 28), True)
    # A third-party source (lower reliability, said in the source) gives June 2013; no CoE source confirms it.
    assert (notes[(2, "Botnets")].status, notes[(2, "Botnets")].dated_as) == ("adopted", (D(2013, 6, 1), "month"))
    assert notes[(3, "Transborder access to data (Article 32)")].status == "draft"  # the sources conflict
    assert notes[(None, "Election interference")].dated_as == (D(2019, 1, 1), "year")
    assert notes[(None, "Ransomware")].dated_as == (D(2022, 11, 1), "month")
    assert load_guidance_notes() == {"added": 0, "updated": 0}


def test_guidance_notes_adopted_count_when_at_least_the_year_is_known(db, django_assert_num_queries):
    with reading(), django_assert_num_queries(1):
        programme = registry.evaluate(
            "committees.documents_adopted", D(2014, 1, 1), D(2019, 12, 31), type="guidance_note"
        )
        by_year = registry.evaluate_series(
            "committees.documents_adopted",
            [(D(y, 1, 1), D(y, 12, 31)) for y in range(2014, 2020)],
            type="guidance_note",
        )

    # Terrorism (November 2016), #10 (28 February 2017), election interference (2019)
    assert (programme, by_year) == (3, [0, 0, 1, 1, 0, 1])
    assert [
        d.title[:20]
        for d in registry.records("committees.documents_adopted", D(2014, 1, 1), D(2019, 12, 31), type="guidance_note")
    ] == ["Terrorism", "Production orders fo", "Election interferenc"]


def test_a_document_moves_through_its_statuses_and_adoption_says_how(staff):
    committee = Committee.objects.get(code="T-CY")
    document = documents.record_document(
        committee, symbol="T-CY(2099)1", title="Assessment report on Article 99", type="assessment_report", user=staff
    )
    with pytest.raises(DomainError, match="at which meeting, or by written procedure"):
        documents.change_document_status(document, to="adopted", user=staff)
    consulted = documents.change_document_status(document, to="consultation", user=staff, version=1)
    adopted = documents.change_document_status(
        consulted, to="adopted", user=staff, written_procedure=True, adopted_on=D(2019, 5, 2)
    )
    with pytest.raises(DomainError, match="cannot become under consultation"):
        documents.change_document_status(adopted, to="consultation", user=staff)

    assert (adopted.status, adopted.adopted_on, adopted.version) == (DocumentStatus.ADOPTED, D(2019, 5, 2), 3)
    assert (
        registry.evaluate("committees.documents_adopted", D(2019, 1, 1), D(2019, 12, 31), type="assessment_report") == 1
    )
    actions = AuditEntry.objects.about(adopted).values_list("action", flat=True)
    assert sorted(actions) == [
        "committees.document.adopted",
        "committees.document.consultation",
        "committees.document.recorded",
    ]
    with pytest.raises(DomainError, match="already in the register"):
        documents.record_document(committee, symbol="T-CY(2099)1", title="Again", type="opinion", user=staff)
