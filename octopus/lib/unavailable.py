"""When the database is down (restarting, unreachable, the connection dropped mid-request), answer 503 with
Retry-After instead of a server error: problem JSON under /api/, a plain page elsewhere. The page needs no database
(no context processors, no site layout, which reads the user's permissions).

Recovery needs no restart: Django drops a connection that failed (and, with CONN_HEALTH_CHECKS, checks a persistent
one before each request's first query), so the first request after the database is back opens a new one.

A view's failure reaches `process_exception`. A failure in a middleware further in (the session read when the user
is looked up, say) is turned into a 500 response where it happens; Django announces it with `got_request_exception`
first, which marks the request, and the 500 (or the failure to render it) becomes a 503 on its way out.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext

from octopus.lib.problems import PROBLEM_CONTENT_TYPE, problem

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MARK = "_octopus_database_unavailable"

logger = logging.getLogger(__name__)


def unavailable_response(request) -> HttpResponse:
    detail = gettext("The database is unavailable for a moment. Nothing was changed; please try again shortly.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(problem(503, detail), status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        page = render_to_string("503.html", {"detail": detail, "language": get_language() or "en"})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_request(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exception(), DATABASE_DOWN):
        setattr(request, MARK, True)


got_request_exception.connect(_mark_request, dispatch_uid="octopus.lib.unavailable")


class DatabaseUnavailableMiddleware:
    """Put it near the top of MIDDLEWARE, so that it sees the failures of every middleware below it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as error:
            # Rendering the 500 page failed in turn (its layout reads the database too).
            if getattr(request, MARK, False) or isinstance(error, DATABASE_DOWN):
                return unavailable_response(request)
            raise
        if getattr(request, MARK, False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None
