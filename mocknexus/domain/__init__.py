"""The emulated MX world: state, rules and the job simulation. Pure Python, no Flask."""
