"""delegations pages."""

urlpatterns = []
