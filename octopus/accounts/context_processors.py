from django.conf import settings

from octopus.accounts.models import User
from octopus.accounts.permissions import is_member


def octopus(request):
    """What the shared layout needs: whether to show the workspace menu, and the sample-data banner."""
    return {
        "show_workspace": is_member(request.user),
        "sample_data_loaded": User.objects.filter(is_sample=True).exists(),
        "debug": settings.DEBUG,
    }
