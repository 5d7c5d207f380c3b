from django.urls import path

from octopus.treaties import views

app_name = "treaties"
urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso2>/", views.country_detail, name="country"),
    path("sources/", views.sources, name="sources"),
    path("workspace/treaty-actions/new/", views.action_create, name="action_create"),
    path("workspace/treaty-actions/<int:pk>/", views.action_edit, name="action_edit"),
    path("workspace/treaty-actions/<int:pk>/withdraw/", views.action_withdraw, name="action_withdraw"),
    path("workspace/treaties/<int:number>/import/", views.treaty_import, name="treaty_import"),
    path("workspace/treaties/<int:number>/import/preview/", views.treaty_import_preview, name="treaty_import_preview"),
]
