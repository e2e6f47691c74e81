"""Both database backends for the storage tests (see tests/databases.py)."""

from tests.databases import engine_factory, storage

__all__ = ["engine_factory", "storage"]
