"""What MX's Platform API adds over a world: users by guid, institutions by code, its member and account views."""
