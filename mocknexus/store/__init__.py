"""Where the emulator's state lives. The domain talks to the `Store` interface only."""

from mocknexus.store.base import Store
from mocknexus.store.memory import MemoryStore
from mocknexus.store.readonly import ReadOnlyView
from mocknexus.store.sqlite import SQLiteStore

__all__ = ["MemoryStore", "ReadOnlyView", "SQLiteStore", "Store"]
