"""Every request and response body, as marshmallow schemas: the single definition of each field list.

Requests are validated by loading them; responses are produced by dumping domain objects; the OpenAPI
document is generated from these same classes.
"""
