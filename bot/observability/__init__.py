"""Operations: Prometheus metrics, the /healthz and /metrics HTTP server, logging, `healthcheck`.

Privacy rule for everything in this package: no chat ids, names or message texts in metric labels
or log lines. Chat ids appear in logs only as `bot.observability.pseudonyms.hash_chat_id(chat_id)`.

Import the modules themselves (`bot.observability.logs`, `.metrics`, `.server`): this package
imports nothing, so the command line's logging set-up does not load the metrics server and the
database layer into commands that need neither (`triage` starts in a fraction of a second).
"""
