"""documents pages."""

urlpatterns = []
