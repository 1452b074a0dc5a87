"""mocknexus: a local, offline emulator of MX's legacy Nexus API."""

__version__ = "0.1.0"
