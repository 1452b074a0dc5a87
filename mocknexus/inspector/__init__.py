"""The inspector: a page at /__admin/ui to see and steer the emulator while developing against it.

The page is a template plus plain JavaScript (no build step) that reads and steers through the admin HTTP
API only, so whatever it shows a test can read too, and it ships in the wheel (templates and static files
are package data).
"""
