"""Funding pages, by area: the position, contributions, budget and expenditure, a donor's own page."""

from octopus.funding.views import budget, contributions, donor, position

app_name = "funding"
urlpatterns = [*position.urlpatterns, *contributions.urlpatterns, *budget.urlpatterns, *donor.urlpatterns]
