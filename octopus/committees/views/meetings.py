"""Committee pages: meetings (to be built)."""

urlpatterns = []
