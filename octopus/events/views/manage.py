"""manage pages."""

urlpatterns = []
