"""The pytest entry point. The shared fixtures and helpers live in `octopus/testing/` (fixtures, helpers,
factories, the access-matrix harness); this file hands the fixtures to pytest. Tests import helpers from
`octopus.testing.helpers` and factories from `octopus.testing.factories`."""

import pytest

# The shared helpers assert in modules of their own: let pytest explain their failures too. This must run before
# they are imported.
pytest.register_assert_rewrite("octopus.testing")

from octopus.testing.fixtures import (  # noqa: E402 (after the rewrite above)
    django_db_setup,
    fast_passwords,
    media_root,
    page,
    staff_client,
    staff_user,
    user_for,
)

__all__ = ["django_db_setup", "fast_passwords", "media_root", "page", "staff_client", "staff_user", "user_for"]
