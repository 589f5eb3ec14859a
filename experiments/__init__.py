"""Studies built on `python -m sim` sweeps: one experiment config and one script each."""
