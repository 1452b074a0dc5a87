"""MX's static test members behind `test_session`."""
