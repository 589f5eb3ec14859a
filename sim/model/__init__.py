"""The pure model: preferences, bargaining (strategies and protocol), relations, outcomes.

Plain functions and small frozen dataclasses; no SimPy, no I/O.
"""
