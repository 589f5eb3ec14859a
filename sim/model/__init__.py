"""The pure model: preferences, tactics, the bargaining protocol, relations, outcomes.

Plain functions and small frozen dataclasses; no SimPy, no I/O.
"""
