"""Parameter draws from a calibrated posterior, as Hydra overrides of the run config.

A posterior file (written by `python -m sim.calibrate`) is a Parquet table with one row
per particle: a column per parameter, named by its config key (`scenario.bargaining.
walk_away`), and a `weight` column. Forecasts draw one parameter set per round from it,
so their intervals carry parameter uncertainty as well as the model's randomness.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.errors import ConfigError

WEIGHT = "weight"
DRAWS = 10  # parameter sets drawn from a posterior, unless told otherwise


def draws_of(draws: int | None, posterior: str) -> int:
    """How many parameter sets a forecast draws: `draws`, else `DRAWS`. Given without a
    `posterior`, `ConfigError`: none would be drawn, and the intervals would not carry the
    parameter uncertainty that asking for draws expects."""
    if draws is not None and not posterior:
        raise ConfigError("draws", draws, "parameter sets are drawn from a posterior, and none "
                          "is given: give the posterior too, or leave draws out")
    return DRAWS if draws is None else draws


def load_posterior(path: str | Path, key: str = "posterior",
                   compose: Callable[[list[str]], object] | None = None) -> pd.DataFrame:
    """Read a posterior table; raise `ConfigError` naming `key` if it is not one: numbers
    in every column, and, given the scenario's `compose` (of Hydra overrides), each
    parameter's lowest and highest value taken by the scenario."""
    try:
        post = pd.read_parquet(path)
    except (OSError, ValueError) as e:
        raise ConfigError(key, str(path), f"cannot read a posterior table ({e})".splitlines()[0]
                          ) from None
    params = parameters(post)
    if WEIGHT not in post.columns or not params or not len(post):
        raise ConfigError(key, str(path), "a posterior needs rows, a `weight` column and "
                          "parameter columns")
    w = pd.to_numeric(post[WEIGHT], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(w).all() and (w >= 0).all() and w.max() > 0):
        raise ConfigError(f"{key}.weight", str(path), "weights must be finite, >= 0, not all 0")
    for name in params:
        if not np.isfinite(pd.to_numeric(post[name], errors="coerce").to_numpy(float)).all():
            raise ConfigError(key, str(path), f"column {name}: every value must be a number")
    if compose is not None:
        _check_ends(post, compose, key, str(path))
    return post


def _check_ends(post: pd.DataFrame, compose: Callable[[list[str]], object], key: str,
                path: str) -> None:
    """The scenario composed with every parameter at its lowest, then its highest value."""
    params = parameters(post)
    for end in ("min", "max"):
        try:
            compose([f"{n}={float(post[n].agg(end))!r}" for n in params])
        except ConfigError as err:
            column = next((n for n in params if n == err.key or n.startswith(f"{err.key}.")),
                          None)
            if column is None:
                raise
            raise ConfigError(key, path, f"column {column}: the scenario refuses its {end} "
                              f"({err})") from None


def parameters(post: pd.DataFrame) -> list[str]:
    """The parameter config keys of a posterior table."""
    return [c for c in post.columns if c != WEIGHT]


def draw_overrides(post: pd.DataFrame, k: int, seed: int) -> list[list[str]]:
    """`k` parameter sets drawn by weight (with replacement), each as Hydra overrides."""
    w = post[WEIGHT].to_numpy(dtype=float)
    w = w / w.max()  # each finite, yet their sum may not be: 2 x 1e308
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xD4A3,)))
    rows = rng.choice(len(post), size=k, replace=True, p=w / w.sum())
    names = parameters(post)
    return [[f"{n}={float(post[n].iloc[i])!r}" for n in names] for i in rows]
