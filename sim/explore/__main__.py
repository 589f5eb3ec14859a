"""`python -m sim.explore`: see `sim.explore.cli`.

The import stays under the guard: worker processes started by `spawn` re-import this
module.
"""

if __name__ == "__main__":
    import sys

    from sim.explore.cli import main

    sys.exit(main())
