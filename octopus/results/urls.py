from django.urls import path

from octopus.results import views

app_name = "results"
urlpatterns = [
    path("", views.programme_list, name="results_programmes"),
    path("new/", views.programme_create, name="results_programme_create"),
    path("overview/", views.overview, name="results_overview"),
    path("<slug:code>/", views.dashboard, name="results_dashboard"),
    path("<slug:code>/logframe/", views.logframe, name="results_logframe"),
    path("<slug:code>/logframe/revise/", views.version_create, name="results_version_create"),
    path("<slug:code>/logframe/boxes/new/", views.node_create, name="results_node_create"),
    path("<slug:code>/assumptions/<int:pk>/review/", views.assumption_review, name="results_assumption_review"),
    path("<slug:code>/indicators/new/", views.indicator_create, name="results_indicator_create"),
    path("<slug:code>/indicators/<int:pk>/", views.indicator_detail, name="results_indicator"),
    path("<slug:code>/indicators/<int:pk>/edit/", views.indicator_edit, name="results_indicator_edit"),
    path("<slug:code>/indicators/<int:pk>/records/", views.indicator_records, name="results_records"),
    path("<slug:code>/indicators/<int:pk>/targets/", views.target_set, name="results_target_set"),
    path("<slug:code>/indicators/<int:pk>/values/new/", views.value_create, name="results_value_create"),
    path("<slug:code>/values/", views.value_list, name="results_values"),
    path("<slug:code>/values/<int:pk>/", views.value_edit, name="results_value"),
    path("<slug:code>/values/<int:pk>/review/", views.value_review, name="results_value_review"),
    path("<slug:code>/values/<int:pk>/evidence/", views.value_evidence, name="results_value_evidence"),
    path("<slug:code>/periods/lock/", views.period_lock, name="results_period_lock"),
    path("<slug:code>/iptt/", views.iptt, name="results_iptt"),
    path("<slug:code>/iptt.<str:fmt>", views.iptt_export, name="results_iptt_export"),
    path("<slug:code>/snapshots/", views.snapshot_list, name="results_snapshots"),
    path("<slug:code>/snapshots/<int:pk>/", views.snapshot_detail, name="results_snapshot"),
]
