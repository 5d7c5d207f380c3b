"""The OpenAPI document as clients read it: JSON without a repeated key (Swagger UI's parser refuses one, and the
docs page then shows nothing), valid OpenAPI."""

import json

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def refuse_repeated_keys(pairs: list) -> dict:
    keys = [key for key, _value in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    assert not repeated, f"repeated keys in the OpenAPI JSON: {repeated} in {dict(pairs).keys()}"
    return dict(pairs)


def test_the_openapi_document_has_no_repeated_key_and_is_valid(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=refuse_repeated_keys)
    validate(document)
