"""The OpenAPI document is written for integrators: texts, tag introductions, request examples."""

import inspect
import json
import re
import sys

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_schema_validator import OAS30WriteValidator

from leadplatform.api.schema_docs import operation_docs

PROJECT_PACKAGES = {"accounts", "campaigns", "leads", "tasks", "leadplatform"}
CODE_PHRASES = ("get_queryset", "refine_queryset", "Declares the view", "serializer", "docstring")
# Shorter docstring paragraphs ("Get a job.") may say what the documentation says too.
SHORTEST_DOCSTRING = 30

CREATE_ROUTES = [
    ("post", "/api/web/v1/jobs"),
    ("post", "/api/web/v1/webhooks"),
    ("post", "/api/web/v1/auth/login"),
    ("post", "/api/web/v1/auth/register"),
    ("post", "/api/v1/jobs"),
    ("post", "/api/v1/targets"),
    ("post", "/api/social/tasks"),
    ("post", "/api/intel/v1/api-token-get/"),
    ("post", "/api/task/custom/"),
    ("post", "/api/user/notification/"),
    ("post", "/api/user/add-custom-social-wall/"),
    ("post", "/api/campaign/status/"),
    ("post", "/api/campaign/settings/"),
    ("post", "/api/task/actions/"),
    ("post", "/api/app/register/"),
    ("post", "/api/app/token/"),
    ("post", "/api/action/campaign/join/"),
    ("post", "/api/action/task/complete/"),
]


@pytest.fixture(scope="module")
def schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def what_it_does(operation) -> str:
    """The description before the notes every operation shares."""
    return operation.get("description", "").split("**Authentication:**")[0].strip()


def texts(node):
    """Every summary and description in the document, wherever it sits."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("summary", "description") and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def normalised(text: str) -> str:
    return " ".join(text.split())


def project_docstrings() -> set[str]:
    """The paragraphs of every docstring of the project's loaded classes, functions and methods.

    The URLconf has loaded every view, its bases, serializers and schema helpers by now."""
    objects = []
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in PROJECT_PACKAGES or module is None:
            continue
        for value in vars(module).values():
            if (inspect.isclass(value) or inspect.isfunction(value)) and getattr(value, "__module__", None) == name:
                objects.append(value)
                if inspect.isclass(value):
                    objects += [member for member in vars(value).values() if inspect.isfunction(member)]
        objects.append(module)
    paragraphs = set()
    for obj in objects:
        for paragraph in re.split(r"\n\s*\n", inspect.getdoc(obj) or ""):
            paragraph = normalised(paragraph)
            if len(paragraph) >= SHORTEST_DOCSTRING:
                paragraphs.add(paragraph)
    return paragraphs


def test_every_operation_has_a_summary(schema):
    missing = [
        f"{method.upper()} {path}" for method, path, operation in operations(schema) if not operation.get("summary")
    ]
    assert missing == []


def test_every_operation_says_what_it_does(schema):
    missing = [
        f"{method.upper()} {path}" for method, path, operation in operations(schema) if not what_it_does(operation)
    ]
    assert missing == []


@pytest.mark.parametrize("note", ["**Authentication:**", "**Rate limit:**", "**Errors**"])
def test_every_description_says_how_to_authenticate_the_rate_limit_and_the_errors(schema, note):
    missing = [
        f"{method.upper()} {path}"
        for method, path, operation in operations(schema)
        if note not in operation["description"]
    ]
    assert missing == []


def test_public_operations_say_no_credentials_are_needed(schema):
    login = schema["paths"]["/api/web/v1/auth/login"]["post"]
    assert "**Authentication:** none" in login["description"]


def test_the_rate_limit_is_the_configured_one(schema, settings):
    jobs = schema["paths"]["/api/web/v1/jobs"]["get"]
    count, _, period = settings.API_RATES["web"].partition("/")
    assert f"{count} requests per {period}" in jobs["description"]


def test_no_code_docstring_reaches_the_document(schema):
    document = "\n".join(normalised(text) for text in texts(schema))
    leaked = sorted(paragraph for paragraph in project_docstrings() if paragraph in document)
    assert leaked == []


@pytest.mark.parametrize("phrase", CODE_PHRASES)
def test_no_description_talks_about_the_code(schema, phrase):
    assert [text for text in texts(schema) if phrase in text] == []


def test_every_tag_used_has_an_introduction(schema):
    introduced = {tag["name"] for tag in schema.get("tags", []) if tag.get("description")}
    used = {tag for _, _, operation in operations(schema) for tag in operation.get("tags", [])}
    assert used - introduced == set()


def test_every_written_text_belongs_to_an_operation(schema):
    operation_ids = {operation["operationId"] for _, _, operation in operations(schema)}
    assert set(operation_docs()) - operation_ids == set()


@pytest.mark.parametrize(("method", "path"), CREATE_ROUTES)
def test_create_routes_have_a_request_example(schema, method, path):
    content = schema["paths"][path][method]["requestBody"]["content"]
    assert any(media.get("examples") for media in content.values())


def request_examples(schema):
    for method, path, operation in operations(schema):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            for name, example in media.get("examples", {}).items():
                yield f"{method.upper()} {path} {media_type} {name}", media["schema"], example["value"]


def test_every_request_example_matches_its_request_schema(schema):
    examples = list(request_examples(schema))
    invalid = {}
    for name, media_schema, value in examples:
        validator = OAS30WriteValidator({"allOf": [media_schema], "components": schema["components"]})
        errors = [error.message for error in validator.iter_errors(value)]
        if errors:
            invalid[name] = errors
    assert len(examples) >= len(CREATE_ROUTES)
    assert invalid == {}
