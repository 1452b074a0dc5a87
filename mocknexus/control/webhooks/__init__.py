"""Sending MX's webhooks: the background dispatcher (`dispatcher`), the HTTP sender with MX's auth modes
(`sender`), and the server's wiring of outboxes, configurations and subscriptions (`hub`)."""

from mocknexus.control.webhooks.hub import Webhooks

__all__ = ["Webhooks"]
