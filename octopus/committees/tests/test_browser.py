"""An assessment round in a real browser, as the issue's acceptance walks it: the secretariat opens a round and
builds its questionnaire, sends it to the Parties, Georgia's focal point answers and submits, and the secretariat
finds the reply compiled."""

import re

import pytest
from django.utils import timezone

from octopus.accounts.models import Role
from octopus.committees.models import AssessmentRound
from octopus.surveys.models import ResponseState
from octopus.testing.helpers import make_user, sign_in
from octopus.treaties.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_opens_a_round_a_focal_point_answers_and_the_secretariat_compiles(page, live_server):
    staff, focal = make_user(Role.TCY_SECRETARIAT), make_user(Role.FOCAL_POINT)  # the focal point is Georgia's
    today = timezone.localdate()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before sending and submitting

    # The secretariat opens round 4 on Articles 16 and 17.
    sign_in(page, live_server, staff)
    page.goto("/workspace/t-cy/rounds/")
    page.get_by_role("link", name="Open a round").click()
    page.get_by_label("Round number").fill("4")
    page.get_by_label("Title").fill("Expedited preservation")
    articles = Article.objects.filter(treaty__number=185, number__in=[16, 17]).order_by("number")
    page.get_by_label("Articles assessed").select_option([str(article.pk) for article in articles])
    page.get_by_label("Opened on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    round = AssessmentRound.objects.get(number=4)
    page.wait_for_url(f"**/workspace/t-cy/rounds/{round.pk}/")

    # It adds a question to the questionnaire the round opened with one section per article…
    page.get_by_role("link", name="Build the questions").click()
    question = page.locator("[data-question-form]")
    question.get_by_label("Section").select_option(label=str(round.questionnaire.sections.first()))
    question.get_by_label("Code").fill("art16-level")
    question.get_by_label(re.compile(r"^Question")).fill("How far does your law implement Article 16?")
    question.get_by_label("Type").select_option("compliance")
    question.get_by_label("Required at submission").check()
    question.get_by_role("button", name="Add question").click()
    page.locator("text=How far does your law implement Article 16?").first.wait_for()

    # …and sends it to the Parties with a deadline.
    page.goto(f"/workspace/t-cy/rounds/{round.pk}/")
    page.get_by_role("link", name="Send to the Parties…").click()
    page.get_by_label("Deadline for replies").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_role("button", name="Send the questionnaire").click()
    page.wait_for_url(f"**/workspace/t-cy/rounds/{round.pk}/")
    georgia = round.questionnaire.responses.get(country__iso2="GE")

    # Georgia's focal point finds it among its questionnaires, answers and submits.
    other = page.context.browser.new_context(base_url=live_server.url).new_page()
    other.on("dialog", lambda dialog: dialog.accept())
    sign_in(other, live_server, focal)
    other.goto("/workspace/responses/")
    other.get_by_role("link", name="Expedited preservation").click()
    other.wait_for_url(f"**/workspace/responses/{georgia.pk}/")
    other.get_by_label("Largely compliant").check()
    other.get_by_role("button", name="Submit").click()
    other.locator("[data-readonly]").wait_for()
    georgia.refresh_from_db()
    assert georgia.state == ResponseState.SUBMITTED

    # The secretariat sees the reply on the round and compiled side by side.
    page.reload()
    assert page.locator("tr", has_text="Georgia").locator("td[data-state]").get_attribute("data-state") == "submitted"
    page.get_by_role("link", name="Compiled replies").click()
    reply = page.locator("[data-question='art16-level'] [data-respondent='Georgia']")
    assert reply.inner_text().split("\t") == ["Georgia", "Largely compliant"]
    assert page.problems == [] and page.outside_requests == []
    other.context.close()
