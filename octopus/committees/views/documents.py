"""Committee pages: documents (to be built)."""

urlpatterns = []
