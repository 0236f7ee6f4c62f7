"""Outgoing e-mail: backends chosen by name (`outbox`, `smtp`), Dutch text and HTML bodies
from templates, and signed download links. The queue itself is app/services/mailing.py."""
