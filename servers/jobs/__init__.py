"""Scheduled jobs: run once per period across replicas, by hand from the command line."""

from servers.jobs.scheduler import Job, Scheduler, UnknownJob
from servers.jobs.serving import jobs_detail, running, scheduler_for, with_jobs
from servers.jobs.store import JobStore

__all__ = ["Job", "JobStore", "Scheduler", "UnknownJob", "jobs_detail", "running",
           "scheduler_for", "with_jobs"]
