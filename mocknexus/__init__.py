"""mocknexus: a local, offline emulator of MX's bank-data APIs (the APIs it serves: `APIS_SERVED`)."""

__version__ = "0.2.0"

# Every API mocknexus serves, as MX names them: the CLI's help, `mocknexus --version` and the package's
# description (pyproject.toml, checked by tests/deploy) say these. Add an API here when a wing serves it.
APIS_SERVED = (
    "Nexus",
    "MDX Real Time",
    "SSO",
    "the Connect widget",
    "the Platform API v20111101 and v20250224",
)
DESCRIPTION = "A local, offline emulator of MX's bank-data APIs: " + ", ".join(APIS_SERVED) + "."
