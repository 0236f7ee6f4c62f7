"""Persistence: SQLAlchemy models, repository functions and the document store."""
