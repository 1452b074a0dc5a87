"""The Connect widget, served locally: widget URL endpoints (SSO v3, Platform API) and the widget page."""
