"""People pages."""

urlpatterns = []
