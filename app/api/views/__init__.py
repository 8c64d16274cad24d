"""The API's views, one module per resource; importing them registers their routes."""

from app.api.views import cases, catalog, citizen, inbox, jobs, tasks  # noqa: F401 - registers the routes
