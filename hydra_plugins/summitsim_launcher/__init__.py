"""The summitsim sweep launcher for Hydra (`hydra/launcher=summitsim`)."""
