"""The storage layer's one exception family."""


class StorageError(Exception):
    """The database (or the embedded cluster) cannot do what was asked; the message says why."""
