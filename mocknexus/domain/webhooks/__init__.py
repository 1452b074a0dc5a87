"""MX's webhooks in the emulated MX: event types and payloads (`events`, `payloads`), which state changes raise
which events (`triggers`), a world's configuration (`config`) and its outbox (`outbox`). Pure Python over the
store: sending is the control plane's (mocknexus.control.webhooks)."""
