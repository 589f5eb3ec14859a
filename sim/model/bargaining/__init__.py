"""Bilateral bargaining over packages: agenda, frontier, solution concepts, strategies.

The one negotiation core of the simulator: scenario meetings, the summit, the lab and
the tournament all bargain through `session.negotiate` with strategies from the one
registry in `strategies`. Pure: no SimPy, no I/O.
"""
