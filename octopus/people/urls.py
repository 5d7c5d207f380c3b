"""People pages, under /workspace/people/."""

from django.urls import path

from octopus.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="people_list"),
    path("export.<str:fmt>", views.people_export, name="people_export"),
    path("new/", views.person_create, name="people_person_create"),
    path("duplicates/", views.people_duplicates, name="people_duplicates"),
    path("merge/<int:first>/<int:second>/", views.people_merge, name="people_merge"),
    path("<int:pk>/", views.person_detail, name="people_person"),
    path("<int:pk>/edit/", views.person_edit, name="people_person_edit"),
    path("<int:pk>/consent/", views.person_consent, name="people_person_consent"),
    path("<int:pk>/data.json", views.person_data, name="people_person_data"),
    path("<int:pk>/erase/", views.person_erase, name="people_person_erase"),
    path("organisations/", views.organisation_list, name="people_organisations"),
    path("organisations/export.<str:fmt>", views.organisation_export, name="people_organisation_export"),
    path("organisations/new/", views.organisation_create, name="people_organisation_create"),
    path("organisations/<int:pk>/", views.organisation_edit, name="people_organisation_edit"),
    path("organisations/<int:pk>/merge/", views.organisation_merge, name="people_organisation_merge"),
]
