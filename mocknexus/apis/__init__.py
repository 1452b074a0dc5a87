"""The API wings: one package per API mocknexus serves, each owning its declaration (`API`), blueprints,
schemas and per-route facts. app.py lists the wings it serves (docs/architecture.md: how to add one)."""
