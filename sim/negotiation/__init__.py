"""Bilateral negotiation science: agendas, strategies, sessions, solution concepts, the lab.

Plain functions and small frozen classes, no I/O, except the commands' `config`, `cli`,
`lab` and `plot`. See docs/negotiation.md.
"""
