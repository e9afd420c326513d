"""Property-based fuzz of the service's OpenAPI schema (schemathesis) against the live
service: whatever the generated request, no server error, and every answer is one the schema
documents (status code, content type, body)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from ocr_pipeline.server import create_app
from ocr_pipeline_tests.server.conftest import HEADERS, Live
from ocr_pipeline_tests.server.conftest import settings as service_settings

schema = schemathesis.openapi.from_dict(create_app(service_settings()).openapi())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented(case: schemathesis.Case, live: Live) -> None:
    # Two checks do not apply to multipart uploads. positive_data_acceptance: a schema-valid
    # upload is any bytes, and random bytes are rightly refused as not a PDF or image (415)
    # or a broken one (400). negative_data_rejection: every form field arrives as text, so a
    # "boolean where a string belongs" mutation is sent as the valid string "true". Negative
    # data is still sent, and must still get a documented answer and never a server error.
    case.call_and_validate(base_url=live.url, headers=HEADERS,
                           excluded_checks=[positive_data_acceptance, negative_data_rejection])
