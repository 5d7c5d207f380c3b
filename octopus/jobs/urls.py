from octopus.jobs import views

app_name = "jobs"
urlpatterns = [*views.urlpatterns]
