"""Dagster only: partitions, resources, assets, checks, sensors, schedules, jobs.

Loaded by ``dg.load_from_defs_folder``; asset bodies are a few lines calling ``stages``.
"""
