"""`brieflens ui`: start the Streamlit app on 127.0.0.1, handing it the Settings built here through BRIEFLENS_* vars."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import SecretStr

from app.cli_common import DataDir, _settings, out

if TYPE_CHECKING:
    from retrieval.settings import Settings

MAIN = Path(__file__).with_name("main.py")
ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
DEFAULT_PORT = 8501


def _env_value(value: object) -> str:
    """One setting as pydantic-settings reads it back from the environment."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)  # Paths inside a tuple setting travel as strings
    return str(value)


def settings_env(settings: Settings) -> dict[str, str]:
    """Every set field of `settings` as a BRIEFLENS_* variable, so the UI process rebuilds the same Settings."""
    return {
        f"BRIEFLENS_{name.upper()}": _env_value(getattr(settings, name))
        for name in type(settings).model_fields
        if getattr(settings, name) is not None
    }


def streamlit_command(port: int) -> list[str]:
    """The `streamlit run` command line: loopback only, no browser, no telemetry, no file watching."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(MAIN),
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def ui_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The UI process's environment: ours, the settings, and the project root importable from the script."""
    env = dict(os.environ if base is None else base)
    env.update(settings_env(settings))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("ANONYMIZED_TELEMETRY", "False")
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def ui_command(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")] = DEFAULT_PORT,
    data_dir: DataDir = None,
) -> None:
    """Open the web UI (chat with clickable citations, library, evaluation) on 127.0.0.1; Ctrl-C stops it."""
    settings = _settings(data_dir)
    out.print(f"BriefLens UI: http://{HOST}:{port}  (Ctrl-C to stop)", highlight=False)
    sys.stdout.flush()
    # Become the Streamlit server: signals (Ctrl-C, kill) then reach it directly and no orphan is left behind.
    command = streamlit_command(port)
    os.execve(command[0], command, ui_env(settings))
