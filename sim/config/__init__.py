"""Config: the schema, its checks, and loading a scenario from a composed config."""
