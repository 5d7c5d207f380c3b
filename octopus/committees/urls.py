"""Committee pages, by area: membership and the Bureau, meetings, the document register, assessment rounds."""

from octopus.committees.views import documents, meetings, membership, rounds

app_name = "committees"
urlpatterns = [*membership.urlpatterns, *meetings.urlpatterns, *documents.urlpatterns, *rounds.urlpatterns]
