"""What the inspector and the control plane read of a world."""
