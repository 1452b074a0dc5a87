"""MX's Platform API v20250224 (MX's current version, `Accept-Version: v20250224`): its request and response
shapes where they differ from v20111101's (apis/platform/schemas/), one module per concept. A shape v20250224
keeps unchanged is v20111101's schema, used as it is; the differences are MX's two documents' (docs/reference/
mx_platform_api.yml and mx_platform_api_v20250224.yml), listed in docs/platform-v20250224.md.
"""
