"""What every API wing shares: the caller a request is resolved into, versions, routing, negotiation, errors,
rendering, the OpenAPI document (each API's own blueprints, schemas and declaration are its wing: apis/)."""
