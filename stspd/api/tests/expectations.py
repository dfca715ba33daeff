"""Expected statuses of the API's URLs for the permission matrix: the public reads need no
token (core/tests/test_permissions merges this dict)."""

from stspd.public.tests.expectations import EVERYONE, Expectation, council, published

ALL: dict[str, Expectation] = {
    # django-ninja's root: only there to compute paths; a 404 for everyone (no docs page).
    "api:api-root": (lambda w: {}, dict.fromkeys(EVERYONE, 404), ""),
    "api:openapi-json": (lambda w: {}, EVERYONE, ""),
    "api:territories": (published, EVERYONE, "?q=rouen"),
    "api:territory": (council, EVERYONE, ""),
    "api:territory_indicators": (council, EVERYONE, ""),
}
