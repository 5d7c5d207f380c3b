"""Committee pages: membership (to be built)."""

urlpatterns = []
