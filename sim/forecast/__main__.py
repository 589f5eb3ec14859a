"""`python -m sim.forecast`: see `sim.forecast.cli`."""

import sys

from sim.forecast.cli import main

sys.exit(main())
