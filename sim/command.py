"""What every command does with bad input: one line on stderr, and its exit code."""

from __future__ import annotations

import sys
from typing import NoReturn

from sim.config.errors import ConfigError

EXIT_BAD_INPUT = 2
EXIT_FAILED_REPS = 3  # replications raised (they are listed); the others are saved


def fail(error: ConfigError) -> NoReturn:
    """Report bad input as one line on stderr and exit with code 2."""
    print(f"error: {error}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)
