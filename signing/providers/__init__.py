"""The built-in adapters; each is imported only when the registry asks for it."""
