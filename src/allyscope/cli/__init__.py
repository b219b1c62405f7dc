"""The ``allyscope`` command line: thin wrappers that parse, call the API and print.

Errors from the library (:class:`allyscope.errors.AllyscopeError`) become one line on
stderr and the error's exit code; nothing prints a traceback unless ALLYSCOPE_DEBUG=1.
"""

from __future__ import annotations

import os
import sys

import typer

from allyscope.cli import (
    assess_cmd,
    data_cmd,
    events_cmd,
    panel_cmd,
    read_cmd,
    registry_cmd,
    report_cmd,
    serve_cmd,
    states_cmd,
    trace_cmd,
)

app = typer.Typer(
    name="allyscope",
    help="Alliance, strategic partnership or tactical convergence? Dyad-year data and "
    "assessments for any pair of states, from real data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # plain Click help: Typer's Rich help imports rich.markdown, rich.traceback and the rest of
    # typer.rich_utils on every --help or usage error, which doubled the time of `allyscope
    # --help` (0.22-0.26 s against 0.11-0.12 s, BENCHMARKS.md)
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from allyscope import __version__

        typer.echo(f"allyscope {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print allyscope's version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    pass


app.command("assess", help=assess_cmd.__doc__)(assess_cmd.assess)
app.command(
    "rank",
    help="List a state's partners in a year (or every pair, --all) by relationship type, then "
    "score.",
)(assess_cmd.rank)
app.command(
    "validate",
    help="Check the typology against the reference dyad-years and dyads (leave-one-dyad-out, "
    "confusion per rung, flicker).",
)(assess_cmd.validate)
app.command(
    "atlas",
    help="Type every pair of states in every year of a range (type, score, confidence, "
    "criteria) and write one Parquet, CSV or Stata table.",
)(assess_cmd.atlas)
app.command("report", help=report_cmd.__doc__)(report_cmd.report)
app.command("serve", help=serve_cmd.__doc__)(serve_cmd.serve)
app.command("trace", help=trace_cmd.__doc__)(trace_cmd.trace)
app.command("read", help=read_cmd.__doc__)(read_cmd.read)
app.command("states", help=states_cmd.__doc__)(states_cmd.states)
app.command("registry", help=registry_cmd.__doc__)(registry_cmd.registry)
app.command("panel", help=panel_cmd.__doc__)(panel_cmd.panel)
app.add_typer(data_cmd.app, name="data", help=data_cmd.__doc__)
app.add_typer(events_cmd.app, name="events", help=events_cmd.__doc__)


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the program is, so that its cleanup runs (partial
    output files are removed) instead of the process vanishing mid-write."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def main() -> None:
    """The command line, ending with SystemExit like any Click program (in-process callers and
    tests catch it); the console script runs it through :func:`run`."""
    import signal

    from allyscope.errors import AllyscopeError

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, _terminate)
    try:
        app(standalone_mode=True)
    except Terminated as exc:
        print(f"allyscope: stopped by {signal.Signals(exc.signum).name}", file=sys.stderr)
        sys.exit(128 + exc.signum)
    except AllyscopeError as exc:
        if os.environ.get("ALLYSCOPE_DEBUG"):
            raise
        print(f"allyscope: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("allyscope: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line
        if os.environ.get("ALLYSCOPE_DEBUG"):
            raise
        print(
            f"allyscope: internal error ({type(exc).__name__}: {exc}); this is a bug: please "
            "report it with the command you ran (ALLYSCOPE_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        sys.exit(70)


def run() -> None:
    """Console entry point (``allyscope``, ``python -m allyscope``): :func:`main`, then
    :func:`_exit` with its code."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    _exit(code)


def _exit(code: int | str | None) -> None:
    """End the process once the command's work is done: as at a normal exit, Python threads
    still running are waited for, then the exit handlers run and the output is flushed; but
    the interpreter does not tear down its modules and objects one by one, which after a
    large panel or atlas took 0.05-0.1 s of the user's wait (freeing the frames;
    BENCHMARKS.md). Files are written and closed before this point."""
    import atexit
    import contextlib
    import threading

    # what the interpreter's own finalisation does first: join the non-daemon threads
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    if isinstance(code, str):  # sys.exit("message") semantics
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (allyscope ... | head) or stream has nothing left to flush
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)
