"""Webhooks: transactional outbox, dispatcher (retries, call log), signatures, SSRF guard.

    outbox.enqueue       called inside a write transaction: one outbox row per webhook
    payloads             Baserow's payload shapes (rows/field/view events, test samples)
    dispatcher           claims due outbox rows, delivers them, records the outcome
    delivery             one HTTP call with httpx + its call-log text
    signing              Standard Webhooks headers; per-webhook secrets kept encrypted
    ssrf                 refuses private/loopback/link-local targets

Imports: storage, config, errors, models (never core or api).
"""
