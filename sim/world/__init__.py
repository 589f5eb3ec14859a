"""The SimPy world: thin processes that wait on events and ask the pure model to decide."""
