"""tweetpipe_collect: lands new posts from X in the lake, on a schedule (hourly by default).

A scheduled run collects what is new since the last one (each query keeps its since_id). A
backfill run (`airflow backfill create --dag-id tweetpipe_collect …`) or a run triggered with
`{"archive_window": true}` searches the full archive over its data interval instead. When posts
were landed, the run updates the landing Asset, which starts tweetpipe_process.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Param, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

from tweetpipe_common import DEFAULT_ARGS, LANDING, collect_schedule, run_tweetpipe

with DAG(
    dag_id="tweetpipe_collect",
    description="Collect posts from the X API v2 into the landing zone",
    # Data intervals (not just trigger times), so a backfill run knows the window it stands for.
    schedule=CronDataIntervalTimetable(collect_schedule(), timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={"archive_window": Param(False, type="boolean", description="search the full archive over the data interval")},
    tags=["tweetpipe"],
    doc_md=__doc__,
):

    @task(outlets=[LANDING], execution_timeout=timedelta(hours=2))
    def collect() -> dict:
        from airflow.exceptions import AirflowFailException, AirflowSkipException

        context = get_current_context()
        args = ["collect"]
        run = context["dag_run"]
        start, end = context.get("data_interval_start"), context.get("data_interval_end")
        if str(run.run_type).endswith("backfill") or context["params"].get("archive_window"):
            if not (start and end and start < end):
                raise AirflowFailException(f"an archive window needs a data interval; this run has {start} to {end}")
            args += ["--archive", "--start-time", start.isoformat(), "--end-time", end.isoformat()]
        summary = run_tweetpipe(args)
        if summary.get("posts", 0) == 0:
            raise AirflowSkipException("no new posts; the landing Asset is not updated")
        return {"posts": summary["posts"], "pages": summary["pages"], "spent_usd": summary.get("spentUsd")}

    collect()
