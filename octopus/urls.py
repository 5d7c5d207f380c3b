from django.contrib import admin
from django.urls import include, path, re_path

from octopus.api import api, not_found

urlpatterns = [
    path("", include("octopus.treaties.urls")),
    path("workspace/", include("octopus.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", not_found),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
