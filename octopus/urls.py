from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from octopus.api import api

urlpatterns = [
    path("", include("octopus.treaties.urls")),
    path("", include("octopus.events.urls")),
    path("", include("octopus.committees.urls")),
    path("", include("octopus.surveys.urls")),
    path("", include("octopus.legislation.urls")),
    path("", include("octopus.funding.urls")),
    path("workspace/results/", include("octopus.results.urls")),
    path("workspace/people/", include("octopus.people.urls")),
    path("workspace/", include("octopus.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # One way in: allauth's sign-in, with its rate limits and TOTP, also for the Django admin.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
