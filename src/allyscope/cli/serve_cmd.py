"""Start the local web dashboard (FastAPI + uvicorn); JSON API under /api/."""

from __future__ import annotations

from typing import Annotated

import typer

from allyscope.errors import InvalidInputError


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind (loopback by default)"),
    port: int = typer.Option(8000, "--port", help="port to listen on"),
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="a host name requests may use besides the loopback names and --host "
            "(e.g. behind a proxy); repeat for several",
        ),
    ] = None,
) -> None:
    """Serve the dashboard at http://HOST:PORT/ (API docs at /docs)."""
    if not 0 < port < 65536:
        raise InvalidInputError(f"port {port} is not between 1 and 65535")
    from allyscope.presentation.webapp import LOOPBACK_HOSTS

    loopback = host in ("127.0.0.1", "localhost", "::1")
    if not loopback:
        typer.echo(
            f"warning: binding to {host} exposes the dashboard beyond this machine", err=True
        )
    named = f"[{host}]" if ":" in host else host
    allowed = list(dict.fromkeys([*LOOPBACK_HOSTS, named, *(allow_host or [])]))
    import uvicorn

    from allyscope.presentation.webapp import create_app

    typer.echo(f"allyscope dashboard on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(allowed_hosts=allowed), host=host, port=port, log_level="warning")
