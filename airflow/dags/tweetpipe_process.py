"""tweetpipe_process: turns new landing batches into the processed Parquet tables.

Runs when the landing Asset is updated (by tweetpipe_collect); updates the processed Asset,
which starts tweetpipe_load, when it wrote batches.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, task

from tweetpipe_common import DEFAULT_ARGS, LANDING, PROCESSED, run_tweetpipe

with DAG(
    dag_id="tweetpipe_process",
    description="Landing zone → processed Parquet tables",
    schedule=[LANDING],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["tweetpipe"],
    doc_md=__doc__,
):

    @task(outlets=[PROCESSED], execution_timeout=timedelta(hours=1))
    def process() -> dict:
        from airflow.exceptions import AirflowSkipException

        summary = run_tweetpipe(["process"])
        if summary.get("batches", 0) == 0:
            raise AirflowSkipException("nothing new to process; the processed Asset is not updated")
        return {"batches": summary["batches"], "posts_read": summary["posts_read"], "quarantined": summary["quarantined"]}

    process()
