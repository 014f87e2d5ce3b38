"""Webhooks: a coalition's organisers register a URL and the events it wants; deliveries are
signed, retried with back-off by the task queue, and listed with their answers."""
