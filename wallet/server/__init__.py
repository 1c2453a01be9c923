"""Provides the HTTP server plumbing shared by the wallet's servers (the board, witnesses).

Starlette routes behind a guard that bounds body size, total request time (headers
included) and concurrency; refusals as RFC 9457 problem details; uvicorn with HTTPS, or
plain HTTP on loopback only; graceful shutdown; an access log without client addresses.
Importing this package imports Starlette; the CLI imports it only inside `serve` commands.
"""

from wallet.server._app import application, problem_response
from wallet.server._guard import ACCESS_LOG, Guard
from wallet.server._limits import Limits, Listen, Tls
from wallet.server._problems import PROBLEM_JSON, Problem
from wallet.server._run import Running, serve, uvicorn_config

__all__ = [
    "ACCESS_LOG",
    "PROBLEM_JSON",
    "Guard",
    "Limits",
    "Listen",
    "Problem",
    "Running",
    "Tls",
    "application",
    "problem_response",
    "serve",
    "uvicorn_config",
]
