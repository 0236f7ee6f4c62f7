"""The WSGI entry point gunicorn serves (Procfile): the app, and in the embedded mode its
background runner started at once, so the jobs a crashed process left behind are taken
again at start, without waiting for a request or for staff."""

from app import create_app
from app.jobs import start_runner

application = create_app()
start_runner(application)
