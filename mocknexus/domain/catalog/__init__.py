"""The catalog: institutions, scenarios and rules from the fixtures, and a client's own additions."""
