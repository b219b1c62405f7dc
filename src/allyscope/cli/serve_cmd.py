"""Start the local web dashboard (FastAPI + uvicorn); JSON API under /api/."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer

from allyscope.errors import InvalidInputError, ServeError


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

    sock = _listen(host, port)
    typer.echo(f"allyscope dashboard on http://{host}:{port}/ (Ctrl-C to stop)")
    server = uvicorn.Server(
        uvicorn.Config(create_app(allowed_hosts=allowed), log_level="warning")
    )
    server.run(sockets=[sock])
    if not server.started:  # uvicorn itself would exit 3, the code of "no data"
        raise ServeError(f"the dashboard server could not start on {host}:{port}")


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (uvicorn listens on it); a clear error if it cannot be."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
    except OSError as exc:
        hint = (
            "choose another --port or stop the program that uses it"
            if exc.errno == errno.EADDRINUSE
            else "check --host (an address of this machine) and --port"
        )
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; {hint}") from None
    return sock
