from django.contrib import admin
from django.urls import include, path

from octopus.accounts.views import admin_login
from octopus.api import api

urlpatterns = [
    path("", include("octopus.treaties.urls", namespace="treaties")),
    path("", include("octopus.events.urls", namespace="events")),
    path("", include("octopus.committees.urls", namespace="committees")),
    path("", include("octopus.surveys.urls", namespace="surveys")),
    path("", include("octopus.legislation.urls", namespace="legislation")),
    path("", include("octopus.funding.urls", namespace="funding")),
    path("", include("octopus.reports.urls", namespace="reports")),
    path("", include("octopus.jobs.urls", namespace="jobs")),
    path("workspace/results/", include("octopus.results.urls", namespace="results")),
    path("workspace/people/", include("octopus.people.urls", namespace="people")),
    path("workspace/", include("octopus.accounts.urls", namespace="accounts")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # One way in: allauth's sign-in, with its rate limits and TOTP, also for the Django admin; a signed-in user the
    # admin refuses gets a 403 page.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Pages that fail are shown in the site's layout by Django's own handlers: templates/403.html, 404.html and 500.html
# (500.html gets an empty context). Under /api/ the ProblemJSONMiddleware turns them into problem documents.
