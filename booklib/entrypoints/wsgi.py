"""The WSGI application for any WSGI server: `gunicorn booklib.entrypoints.wsgi:app`."""

from booklib.web import create_app

app = create_app()
