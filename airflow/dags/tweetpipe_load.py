"""tweetpipe_load: loads new processed batches into the warehouse star schema.

Runs when the processed Asset is updated (by tweetpipe_process). Each batch is one transaction;
a batch already loaded is skipped, so a retried or repeated run never duplicates a row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, task

from tweetpipe_common import DEFAULT_ARGS, PROCESSED, run_tweetpipe

with DAG(
    dag_id="tweetpipe_load",
    description="Processed tables → warehouse",
    schedule=[PROCESSED],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["tweetpipe"],
    doc_md=__doc__,
):

    @task(execution_timeout=timedelta(hours=1))
    def load() -> dict:
        summary = run_tweetpipe(["load"])
        return {"batches": summary["batches"], "skipped": summary["skipped"]}

    load()
