"""Rules every write of the app shares: an article a profile covers, a value of a scale, no date in the future."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from octopus.legislation.models import PROFILE_ARTICLES, PROFILE_TREATY
from octopus.lib.errors import DomainError
from octopus.treaties.models import Article


def check_article(article: Article) -> None:
    if article.treaty.number != PROFILE_TREATY or article.number not in PROFILE_ARTICLES:
        raise DomainError(
            _(
                "Article %(number)s of %(treaty)s is not one a legislation profile covers (CETS 185, Articles 1–22, "
                "24–35 and 42)."
            )
            % {"number": article.number, "treaty": article.treaty.short_name}
        )


def check_not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise DomainError(_("%(what)s cannot be in the future (%(day)s).") % {"what": what, "day": day})


def check_choice(value: str, choices, what: str) -> None:
    if value not in choices.values:
        known = ", ".join(str(label) for label in choices.labels)
        raise DomainError(
            _("“%(value)s” is not a %(what)s (one of: %(known)s).") % {"value": value, "what": what, "known": known}
        )
