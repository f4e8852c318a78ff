"""Reliability suites (issue 21): stateful schema fuzzing, crashes, concurrency, hostile input."""
