"""The bank's side of OAuth: mocknexus's own consent page standing for the institution's, and MX's ending."""
