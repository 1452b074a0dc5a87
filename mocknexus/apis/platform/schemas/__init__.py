"""MX Platform API (v20111101) bodies, field for field from MX's OpenAPI document (docs/reference/
mx_platform_api.yml): every key MX declares, at MX's JSON type and nullability, and no other.

MX's Python SDK (mx-platform-python, pydantic 1) validates responses strictly (StrictStr, StrictBool,
StrictInt, enums), so a wrong type is an exception in the partner's code: tests/platform checks every
response against MX's document. Names carry a `Platform` prefix so the served OpenAPI document keeps them
apart from the Nexus shapes of the same objects.
"""
