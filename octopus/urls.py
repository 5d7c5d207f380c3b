from django.contrib import admin
from django.urls import include, path

from octopus.api import api

urlpatterns = [
    path("", include("octopus.treaties.urls")),
    path("workspace/", include("octopus.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
