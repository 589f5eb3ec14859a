"""Parameter draws from a calibrated posterior, as Hydra overrides of the run config.

A posterior file (written by `python -m sim.calibrate`) is a Parquet table with one row
per particle: a column per parameter, named by its config key (`scenario.bargaining.
walk_away`), and a `weight` column. Forecasts draw one parameter set per round from it,
so their intervals carry parameter uncertainty as well as the model's randomness.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError

WEIGHT = "weight"


def load_posterior(path: str | Path, key: str = "posterior") -> pd.DataFrame:
    """Read a posterior table; raise `ConfigError` naming `key` if it is not one."""
    try:
        post = pd.read_parquet(path)
    except (OSError, ValueError) as e:
        raise ConfigError(key, str(path), f"cannot read a posterior table ({e})".splitlines()[0]
                          ) from None
    params = [c for c in post.columns if c != WEIGHT]
    if WEIGHT not in post.columns or not params or not len(post):
        raise ConfigError(key, str(path), "a posterior needs rows, a `weight` column and "
                          "parameter columns")
    w = post[WEIGHT].to_numpy(dtype=float)
    if not (np.isfinite(w).all() and (w >= 0).all() and w.sum() > 0):
        raise ConfigError(f"{key}.weight", str(path), "weights must be finite, >= 0, not all 0")
    return post


def parameters(post: pd.DataFrame) -> list[str]:
    """The parameter config keys of a posterior table."""
    return [c for c in post.columns if c != WEIGHT]


def draw_overrides(post: pd.DataFrame, k: int, seed: int) -> list[list[str]]:
    """`k` parameter sets drawn by weight (with replacement), each as Hydra overrides."""
    w = post[WEIGHT].to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xD4A3,)))
    rows = rng.choice(len(post), size=k, replace=True, p=w / w.sum())
    names = parameters(post)
    return [[f"{n}={float(post[n].iloc[i])!r}" for n in names] for i in rows]
