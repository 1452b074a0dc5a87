"""The control plane's own state: injected faults and the request journal (the domain's state is the emulator's)."""
