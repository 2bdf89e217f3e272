"""WSGI entry point for gunicorn: ``gunicorn -c deploy/gunicorn.conf.py core.wsgi:app``."""

from core.app import create_app

app = create_app()
