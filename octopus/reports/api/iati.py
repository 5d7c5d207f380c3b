"""A programme's IATI 2.03 activity file over the API: `GET /api/v1/programmes/{code}/iati`.

The same file as the public page `/iati/<code>.xml`, as XML: open to anyone for a public programme; a programme not
public is a 404 problem, except to a caller who may read it in the workspace (bearer token or session). While the
reporting organisation's IATI identifier is not set, a 503 problem says so."""

from django.http import HttpResponse, JsonResponse
from ninja import Path, Router

from octopus.accounts.api import PUBLIC, viewer
from octopus.lib.problems import PROBLEM_CONTENT_TYPE, problem
from octopus.reports.access import published_programme
from octopus.reports.iati import NotConfigured, activity_file
from octopus.results.api import ProgrammeCode

router = Router(tags=["reports"])

XML = "application/xml; charset=utf-8"
RESPONSES = {
    "responses": {
        200: {  # an int, as ninja keys its own 200: two keys "200" in the JSON break Swagger UI
            "description": "The IATI 2.03 activity file (an `iati-activities` document with one activity)",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        },
        "503": {
            "description": "The reporting organisation's IATI identifier is not set yet",
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    }
}


@router.get(
    "/programmes/{code}/iati",
    auth=PUBLIC,
    summary="The programme's IATI 2.03 activity file",
    description="XML, validating against the IATI 2.03 activities schema. Anyone reads a public programme's file; "
    "a workspace reader of programmes also one not public. A sample programme's file says so in a comment and in "
    "the header `Octopus-Sample-Data: true`.",
    openapi_extra=RESPONSES,
)
def get_iati_activity(request, code: Path[ProgrammeCode]):
    programme = published_programme(viewer(request), code)
    try:
        content = activity_file(programme)
    except NotConfigured as error:
        return JsonResponse(problem(503, str(error)), status=503, content_type=PROBLEM_CONTENT_TYPE)
    response = HttpResponse(content, content_type=XML)
    if programme.is_sample:
        response["Octopus-Sample-Data"] = "true"
    return response
