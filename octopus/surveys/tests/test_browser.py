"""Answering in a real browser: a focal point's answers autosave, a colleague's stale tab is told of the conflict
and overwrites nothing, the focal point submits and the response is locked."""

import pytest

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.surveys import services
from octopus.surveys.models import Answer, Response, ResponseState
from octopus.surveys.tests.conftest import build_questionnaire
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_focal_point_answers_with_autosave_a_stale_tab_gets_a_conflict_and_the_submission_locks(page, live_server):
    staff = make_user(Role.TCY_SECRETARIAT)
    focal = make_user(Role.FOCAL_POINT)
    colleague = UserFactory(email="colleague@example.ge", role=Role.FOCAL_POINT, country_code="GE")
    questionnaire = services.open_questionnaire(build_questionnaire(staff), user=staff)
    response = services.start_response(questionnaire, country=Country.objects.get(iso2="GE"), user=staff)

    # The focal point finds the questionnaire in its list; a colleague has the same response open in another tab.
    sign_in(page, live_server, focal)
    page.goto("/workspace/responses/")
    page.get_by_role("link", name="Assessment of Articles 16 and 17").click()
    page.wait_for_url(f"**/workspace/responses/{response.pk}/")
    other = page.context.browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, live_server, colleague)
    other.goto(f"/workspace/responses/{response.pk}/")

    # Typing saves by itself a moment later.
    page.get_by_label("Which law provides for preservation?").fill("Criminal Procedure Code, Art. 136")
    status = page.locator("[data-save-status]")
    status.filter(has_text="Saved at").wait_for()
    assert Answer.objects.get(response=response, question__code="law").value == "Criminal Procedure Code, Art. 136"

    # The colleague's tab still holds the first version: its autosave is refused, shown, and writes nothing.
    other.get_by_label("Which law provides for preservation?").fill("Law on electronic evidence")
    banner = other.locator("[data-conflict-banner]")
    banner.wait_for(state="visible")
    assert banner.inner_text().startswith("focal_point@example.org saved changes at ")
    assert "reload to see them — your text is kept in the page" in banner.inner_text()
    assert other.get_by_label("Which law provides for preservation?").input_value() == "Law on electronic evidence"
    assert Answer.objects.get(response=response, question__code="law").value == "Criminal Procedure Code, Art. 136"

    # The focal point completes the required answers and submits: the response is locked.
    page.get_by_label("Largely compliant").check()
    page.get_by_label("Preservation orders issued in 2025").fill("12")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit").click()
    page.locator("[data-readonly]").wait_for()
    assert "The response is locked" in page.locator("[data-readonly]").inner_text()
    assert page.locator("[data-answer-form]").count() == 0
    assert page.locator("[data-revisions] tbody tr").inner_text().split("\t")[0] == "1"
    response = Response.objects.get(pk=response.pk)
    assert (response.state, response.revisions.get().data["orders"]) == (ResponseState.SUBMITTED, "12")
    assert page.problems == [] and page.outside_requests == []
    other.context.close()
