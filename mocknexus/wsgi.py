"""The WSGI entry point for production servers (gunicorn in the Docker image): configured by MOCKNEXUS_*."""

from mocknexus.app import create_app
from mocknexus.config import Config

app = create_app(Config.from_env())
app.extensions["mocknexus.webhooks"].serve_in_background()
