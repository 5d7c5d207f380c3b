"""The people registry in a real browser: add a person, find they were already recorded, merge, record consent."""

import pytest

from octopus.accounts.models import Role
from octopus.people import services
from octopus.people.models import Person
from octopus.people.tests.conftest import country
from octopus.testing.helpers import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_add_a_person_merge_the_duplicate_and_record_consent(page, live_server):
    staff = make_user(Role.PROGRAMME_STAFF)
    police = services.create_organisation(
        name="Cybercrime Division", sector="police", country=country("GE"), user=staff
    )
    earlier = services.create_person(
        user=staff, first_name="Nino", last_name="Beridze", email="nino@police.ge", country=country("GE")
    )
    sign_in(page, live_server, staff)

    page.goto("/workspace/people/")
    page.get_by_role("link", name="Add a person").first.click()
    page.get_by_label("First name").fill("Nino")
    page.get_by_label("Last name").fill("Beridse")
    page.get_by_label("Country represented").select_option(label="Georgia")
    page.get_by_label("Organisation").select_option(label="Cybercrime Division – Georgia")
    page.get_by_role("button", name="Save").click()
    assert "This may be someone already recorded: Nino BERIDZE" in page.locator("[data-form-errors]").inner_text()
    page.get_by_label("This is someone else").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("[data-person-details]")
    added = Person.objects.get(last_name="Beridse")
    assert page.url.endswith(f"/workspace/people/{added.pk}/")

    assert "close names, same country" in page.locator("[data-duplicates]").inner_text()
    page.locator("[data-duplicates]").get_by_role("link", name="compare and merge").click()
    page.get_by_label(f"Keep #{earlier.pk}").check()
    page.get_by_role("button", name="Merge").click()
    page.wait_for_selector("[data-merged]")
    assert f"#{added.pk}" in page.locator("[data-merged]").inner_text()
    assert page.locator("[data-person-details]").inner_text().count("Cybercrime Division") == 1

    page.get_by_label("Purpose").select_option("publish_list")
    page.get_by_label("Answer").select_option("yes")
    page.get_by_label("How it was given").fill("Registration form 2026")
    page.get_by_role("button", name="Record the answer").click()
    page.wait_for_selector('[data-consent="publish_list"] .text-bg-success')

    assert list(Person.objects.current().consenting_to("publish_list")) == [earlier]
    assert Person.objects.get(pk=earlier.pk).organisation == police
    assert page.outside_requests == []
    assert page.problems == []
