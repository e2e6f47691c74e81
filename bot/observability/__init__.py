"""Operations: Prometheus metrics, the /healthz and /metrics HTTP server, logging, `healthcheck`.

Privacy rule for everything in this package: no chat ids, names or message texts in metric labels
or log lines. Chat ids appear in logs only as `bot.storage.privacy.hash_chat_id(chat_id)`.
"""

from __future__ import annotations

from bot.observability.logs import TokenRedactingFilter, configure_logging, redact
from bot.observability.metrics import Metrics
from bot.observability.server import HealthCallback, ObservabilityServer

__all__ = [
    "HealthCallback",
    "Metrics",
    "ObservabilityServer",
    "TokenRedactingFilter",
    "configure_logging",
    "redact",
]
