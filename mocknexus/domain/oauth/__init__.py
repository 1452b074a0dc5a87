"""OAuth members: windows, outcomes, MX's hour."""
