"""Nexus API bodies (media type application/vnd.mx.nexus.v1+json), one module per concept: connecting a member
(sessions, users, institutions and their credentials, members, their challenges and jobs) and the accounts read
once it is connected."""
