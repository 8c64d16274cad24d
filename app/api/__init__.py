"""The JSON API under /api/v1 with marshmallow schemas and an OpenAPI document."""
