"""Event pages, by area: the public calendar and registration, the workspace, delegations and check-in, documents."""

from octopus.events.views import delegations, documents, manage, public

app_name = "events"
urlpatterns = [*public.urlpatterns, *manage.urlpatterns, *delegations.urlpatterns, *documents.urlpatterns]
