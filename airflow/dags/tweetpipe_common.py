"""Shared by the tweetpipe DAGs: the Assets that chain them and one way to run the tweetpipe CLI.

Nothing here runs at parse time beyond defining constants; Variables and Connections are read
only when a task runs.
"""

from __future__ import annotations

import json
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

# Airflow Variables copied into tweetpipe's environment when set (the worker's own environment
# is used otherwise).
VARIABLES = {
    "tweetpipe_lake": "TWEETPIPE_LAKE",
    "tweetpipe_warehouse": "TWEETPIPE_WAREHOUSE",
    "tweetpipe_x_api_url": "TWEETPIPE_X_API_URL",
    "tweetpipe_config": "TWEETPIPE_CONFIG",
    "tweetpipe_redshift_iam_role": "TWEETPIPE_REDSHIFT_IAM_ROLE",
    "tweetpipe_redshift_secret_arn": "TWEETPIPE_REDSHIFT_SECRET_ARN",
}
# Connection whose password is the X bearer token (from any secrets backend).
X_CONNECTION = "tweetpipe_x"
# Optional Connection holding the warehouse (for PostgreSQL with a password): its URI wins.
WAREHOUSE_CONNECTION = "tweetpipe_warehouse"

# Exit codes of the CLI that retrying cannot fix: 2 bad configuration, 3 refused by the API.
NO_RETRY_EXIT_CODES = {2, 3}

DEFAULT_ARGS = {
    "owner": "tweetpipe",
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}


def collect_schedule() -> str:
    """The collect DAG's schedule: TWEETPIPE_COLLECT_SCHEDULE (cron or preset), hourly by default."""
    return os.environ.get("TWEETPIPE_COLLECT_SCHEDULE", "@hourly")


def _optional_variable(name: str) -> str | None:
    from airflow.sdk import Variable

    value = Variable.get(name, default=None)
    return value if value not in (None, "") else None


def _optional_connection(conn_id: str):
    from airflow.sdk import Connection

    try:
        return Connection.get(conn_id)
    except Exception:  # noqa: BLE001 - Airflow raises different errors for "not found" across versions
        return None


def tweetpipe_env(log) -> dict[str, str]:
    """The environment for the CLI: the worker's, then Variables, then the secrets from Connections."""
    env = dict(os.environ)
    for variable, setting in VARIABLES.items():
        value = _optional_variable(variable)
        if value is not None:
            env[setting] = value
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
    wh = _optional_connection(WAREHOUSE_CONNECTION)
    if wh is not None:
        env["TWEETPIPE_WAREHOUSE"] = wh.get_uri()
    return env


def run_tweetpipe(args: list[str], log) -> dict[str, Any]:
    """Runs `tweetpipe --json ARGS`, streams its output to the task log, returns its JSON summary.

    A failing command fails the task with the command's own message; configuration and
    authorization errors (exit codes 2 and 3) fail it without retries.
    """
    from airflow.exceptions import AirflowException, AirflowFailException

    command = shlex.split(os.environ.get("TWEETPIPE_BIN", "tweetpipe")) + ["--json", *args]
    log.info("Running %s", shlex.join(command))
    proc = subprocess.Popen(
        command,
        env=tweetpipe_env(log),
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
