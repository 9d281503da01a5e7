"""The API against its own OpenAPI document, fuzzed by Schemathesis: every operation, anonymous and
with a member's token, valid and invalid input. No server error, no response outside its documented
status codes, media types, headers and schemas.

Bounded (a few examples per operation) so the suite stays quick; `MATCHMAKER_FUZZ_EXAMPLES` raises
it for a longer local run.
"""
from __future__ import annotations

import contextvars
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_headers_conformance, response_schema_conformance,
                                               status_code_conformance)

from matchmaker.extensions import db

EXAMPLES = int(os.environ.get("MATCHMAKER_FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def app_config():
    return {"MATCHMAKER_API_LIMIT": "100000 per minute", "MATCHMAKER_API_TOKEN_LIMIT": "100000 per minute",
            "MATCHMAKER_RFQ_LIMIT": "100000 per minute", "MATCHMAKER_MESSAGE_LIMIT": "100000 per minute"}


def _fuzz(operation, mode: GenerationMode, headers: dict) -> None:
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # Each request in its own context, as in production (the test's app context would share `g`).
        contextvars.Context().run(case.call_and_validate, headers=headers, checks=checks)

    run()


def _rfqs(make, member) -> None:
    """A request the member's firm sent and one it received, so the RFQ operations answer with data."""
    from datetime import timedelta

    from matchmaker.rfq import service

    supplier = make.firm(name="辻堂メッキ工業")
    other = make.user(firm=supplier, email="supplier@example.com")
    fields = service.RfqFields("無電解ニッケルめっき", "A5052 200個", None, "", None, "", service.today() + timedelta(days=7),
                               "")
    service.create(member, None, [supplier], fields)
    service.create(other, None, [member.firm], fields)
    db.session.commit()


def test_every_operation_keeps_its_contract(app, backend, make, member, bearer):
    if backend != "sqlite":
        pytest.skip("the contract does not depend on the database; fuzzed once, on SQLite")
    firm = member.firm
    make.offering(firm)
    make.need(firm)
    _rfqs(make, member)
    token = bearer(member, scopes=("read", "write"))
    db.session.close()  # no transaction of the test's own left open while the requests write
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:
        # Valid input anonymously and with the token; invalid input with the token (anonymous
        # writes stop at the 401 before their input is read).
        for headers, mode in (({}, GenerationMode.POSITIVE), (token, GenerationMode.POSITIVE),
                              (token, GenerationMode.NEGATIVE)):
            _fuzz(operation, mode, headers)


def test_stateful_links_keep_the_contract(app, backend, make, member, bearer):
    """Sequences that follow the document's links (create, then read, update, delete what was
    created, with its ETag) keep the same contract."""
    if backend != "sqlite":
        pytest.skip("the contract does not depend on the database; fuzzed once, on SQLite")
    token = bearer(member, scopes=("read", "write"))
    make.firm(name="辻堂メッキ工業")  # a supplier the stateful run's requests for quotation may find
    db.session.close()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    machine = schema.as_state_machine()

    class Workflow(machine):
        def get_call_kwargs(self, case):
            return {"headers": token}

        def call(self, case, **kwargs):
            return contextvars.Context().run(case.call, **kwargs)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=token)

    Workflow.run(settings=settings(max_examples=EXAMPLES * 2, stateful_step_count=4, deadline=None, database=None,
                                   derandomize=True, suppress_health_check=list(HealthCheck)))
