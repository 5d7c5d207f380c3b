"""Reports pages, by output."""

app_name = "reports"
urlpatterns: list = []
