"""Ctrl-C ends a command with one line, as Python's own Ctrl-C ends a program; so does
SIGTERM (`kill`, `timeout`, a batch system at its time limit).

Python ends on a Ctrl-C that no code catches by printing a traceback, tidying up (files
flushed, `atexit` run) and killing itself with SIGINT, which a shell reports as exit code
130. Dying of the signal, not merely exiting 130, is what stops a shell script that runs
the command: bash goes on to the script's next line after a command that exited.

A command keeps all of that but the traceback: `tell_ctrl_c`, called as `sim` is imported
in a process started as `python -m sim...`, prints one line instead, whether Ctrl-C came as
the command loaded or as it ran (`sim.command.run_command` lets it through), and raises
again a Ctrl-C that Python dropped (`given_back`). SIGTERM, which Python leaves to kill the
process at once (its temporary files and lock left, its pool's semaphores reported leaked),
is raised as `Terminated`, a Ctrl-C, and the command, tidied up, dies of SIGTERM (exit code
143). Any other process that imports `sim` (a script, a notebook, a worker) is left alone.
"""

from __future__ import annotations

import atexit
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType
from typing import Any

INTERRUPTED = ("interrupted: what it was writing is incomplete and does not look complete; "
               "a sweep or study run again goes on from its complete jobs")

AGAIN_SECONDS = 0.01  # how soon a Ctrl-C that Python dropped is sent again
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound as Ctrl-C is (`tell_ctrl_c`)."""


_SIGTERM = {"raised": False, "told": False}  # raised once: `timeout` sends it twice


def from_ctrl_c(error: BaseException | None, kind: type[BaseException] = KeyboardInterrupt
                ) -> bool:
    """Whether `error` was raised as Ctrl-C (or SIGTERM) unwound the command: a library
    stopped halfway through a change (OmegaConf composing a config) may then raise anything,
    which is neither bad input nor a bug. `kind=Terminated`: as SIGTERM unwound it."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, kind):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def started_as_command(argv: list[str]) -> bool:
    """Whether Python was started as `python [options] -m sim...` (`argv`: `sys.orig_argv`),
    not with a script, `-c` or another module."""
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-X", "-W", "--check-hash-based-pycs"):  # an option, then its value
            next(args, None)
        elif arg.startswith("-m"):
            return (arg[2:] or next(args, "")).partition(".")[0] == "sim"
        elif arg.startswith("-c") or not arg.startswith("-"):  # code, or a script
            return False
    return False


def tell_ctrl_c() -> None:
    """In a command's process, tell a Ctrl-C that ends it with the one line `INTERRUPTED`,
    not a traceback; and give back one that Python dropped (`given_back`). SIGTERM too,
    unless the command was started with it ignored; a process forked from the command
    takes it as usual (a pool ends its processes with it)."""
    if started_as_command(sys.orig_argv):
        sys.excepthook = _one_line_for_ctrl_c(sys.excepthook)
        sys.unraisablehook = given_back(sys.unraisablehook)
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _terminate)
            os.register_at_fork(after_in_child=functools.partial(
                signal.signal, signal.SIGTERM, signal.SIG_DFL))
            atexit.register(_die_if_terminated)  # registered first, so run last


def _terminate(signum: int, frame: object) -> None:
    if not _SIGTERM["raised"]:
        _SIGTERM["raised"] = True
        raise Terminated


def _die_if_terminated() -> None:
    """The last thing a command told of SIGTERM does: die of it, as it would have at once
    without `_terminate`, where Python would go on to kill itself with SIGINT."""
    if _SIGTERM["told"]:
        with suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def given_back(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    """Python drops what a finalizer raises (`__del__`, a weakref's callback: a library's
    objects collected as the command runs) or a hook it runs as it forks, with a line
    "Exception ignored in ...". A Ctrl-C raised there was lost, and the command went on:
    it is sent again to the main thread, from another thread, a moment later: not raised in
    the hook, which would drop it too; a signal, which wakes the main thread if it waits."""
    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            sent = signal.SIGINT
            if isinstance(unraisable.exc_value, Terminated):
                sent, _SIGTERM["raised"] = signal.SIGTERM, False
            again = threading.Timer(AGAIN_SECONDS, signal.pthread_kill,
                                    (threading.main_thread().ident, sent))
            again.daemon = True
            again.start()
            return
        previous(unraisable)

    return hook


def _one_line_for_ctrl_c(previous: ExceptHook) -> ExceptHook:
    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None
             ) -> None:
        if not from_ctrl_c(error):
            previous(kind, error, tb)
            return
        print(INTERRUPTED, file=sys.stderr, flush=True)
        if from_ctrl_c(error, Terminated):
            _SIGTERM["told"] = True  # dies of it at exit: `_die_if_terminated`
        elif not isinstance(error, KeyboardInterrupt):  # an error it caused, as it loaded:
            with suppress(OSError):  # Python would exit 1, not as on Ctrl-C
                sys.stdout.flush()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)

    return hook
