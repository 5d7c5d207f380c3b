"""Committee pages: rounds (to be built)."""

urlpatterns = []
