"""summitsim: a discrete-event simulator of high-stakes bilateral negotiation."""

__version__ = "0.1.0"
