"""Shared by the tweetpipe DAGs: the Assets that chain them and one way to run the tweetpipe CLI.

Nothing here runs at parse time beyond defining constants; Variables and Connections are read
only when a task runs.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset

# The hand-off between DAGs: collect emits LANDING when it landed posts, process emits PROCESSED
# when it wrote batches. The URIs name the zones; the lake itself is tweetpipe's setting.
LANDING = Asset(name="tweetpipe_landing", uri="tweetpipe://lake/landing")
PROCESSED = Asset(name="tweetpipe_processed", uri="tweetpipe://lake/processed")

# One Airflow Variable (JSON) holds tweetpipe's settings for the tasks, e.g.
#   {"TWEETPIPE_LAKE": "s3://bucket/lake", "TWEETPIPE_WAREHOUSE": "redshift-data://wg/dev",
#    "TWEETPIPE_REDSHIFT_IAM_ROLE": "arn:aws:iam::…:role/…", "warehouse_connection": "tweetpipe_pg"}
# Only TWEETPIPE_* keys are taken; secrets never go here. Without it the worker's environment is used.
SETTINGS_VARIABLE = "tweetpipe_settings"
# Connection whose password is the X bearer token (from any secrets backend); its host, when set,
# replaces the API URL.
X_CONNECTION = "tweetpipe_x"

# Exit codes of the CLI that retrying cannot fix: 2 bad configuration, 3 refused by the API.
NO_RETRY_EXIT_CODES = {2, 3}

log = logging.getLogger("tweetpipe")

DEFAULT_ARGS = {
    "owner": "tweetpipe",
    # TWEETPIPE_AIRFLOW_RETRIES (default 3): attempts after a failure, 5 minutes apart and growing.
    "retries": int(os.environ.get("TWEETPIPE_AIRFLOW_RETRIES", "3")),
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}


def collect_schedule() -> str:
    """The collect DAG's schedule: TWEETPIPE_COLLECT_SCHEDULE (cron or preset), hourly by default."""
    return os.environ.get("TWEETPIPE_COLLECT_SCHEDULE", "@hourly")


def _settings_variable() -> dict[str, str]:
    from airflow.sdk import Variable

    raw = Variable.get(SETTINGS_VARIABLE, default=None)
    if raw in (None, ""):
        return {}
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"Variable {SETTINGS_VARIABLE} is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f"Variable {SETTINGS_VARIABLE} must be a JSON object of settings")
    return {str(k): str(v) for k, v in value.items()}


def _optional_connection(conn_id: str):
    from airflow.sdk import Connection

    try:
        return Connection.get(conn_id)
    except Exception:  # noqa: BLE001 - "not found" is reported differently across Airflow versions
        return None


def tweetpipe_env() -> dict[str, str]:
    """The environment for the CLI: the worker's, then the settings Variable, then secrets from Connections."""
    env = dict(os.environ)
    settings = _settings_variable()
    for key, value in settings.items():
        if key.startswith("TWEETPIPE_"):
            env[key] = value
        elif key != "warehouse_connection":
            log.warning("Variable %s: ignoring %r (only TWEETPIPE_* settings and warehouse_connection)", SETTINGS_VARIABLE, key)
    x = _optional_connection(X_CONNECTION)
    if x is not None and x.password:
        env["X_BEARER_TOKEN"] = x.password
        if x.host:
            env["TWEETPIPE_X_API_URL"] = x.host if "://" in x.host else f"https://{x.host}"
    elif "X_BEARER_TOKEN" not in env:
        log.warning(
            "No Connection %r with the bearer token as password and no X_BEARER_TOKEN on the worker: "
            "tweetpipe will use its bundled X API emulator unless TWEETPIPE_X_API_URL points elsewhere.",
            X_CONNECTION,
        )
    if "warehouse_connection" in settings:
        wh = _optional_connection(settings["warehouse_connection"])
        if wh is None:
            raise ValueError(f"Connection {settings['warehouse_connection']!r} (warehouse_connection) does not exist")
        env["TWEETPIPE_WAREHOUSE"] = wh.get_uri()
    return env


def run_tweetpipe(args: list[str]) -> dict[str, Any]:
    """Runs `tweetpipe --json ARGS`, streams its output to the task log, returns its JSON summary.

    A failing command fails the task with the command's own message; configuration and
    authorization errors (exit codes 2 and 3) fail it without retries.
    """
    from airflow.exceptions import AirflowException, AirflowFailException

    command = shlex.split(os.environ.get("TWEETPIPE_BIN", "tweetpipe")) + ["--json", *args]
    log.info("Running %s", shlex.join(command))
    proc = subprocess.Popen(
        command,
        env=tweetpipe_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    summary: dict[str, Any] | None = None
    tail: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        log.info("%s", line)
        tail = (tail + [line])[-5:]
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                pass
    code = proc.wait()
    if code != 0:
        message = next((l for l in reversed(tail) if l.startswith("tweetpipe:")), tail[-1] if tail else "")
        text = f"tweetpipe {args[0]} failed (exit {code}): {message}"
        if code in NO_RETRY_EXIT_CODES:
            raise AirflowFailException(text)
        raise AirflowException(text)
    if summary is None:
        raise AirflowException(f"tweetpipe {args[0]} printed no JSON summary")
    return summary
