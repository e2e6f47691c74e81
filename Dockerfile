# The bot in one container: `docker compose up -d --build` (see docker-compose.yml and the README).
# Two stages: the build stage installs the package into a virtual environment, the final image
# gets only that environment and the data files, and runs as an unprivileged user.

FROM python:3.11-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# The locked versions, each checked against its hash (`make lock` writes requirements.lock), then the
# bot itself without resolving anything again.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot/ ./bot/
RUN pip install --no-cache-dir --no-deps --no-build-isolation .


FROM python:3.11-slim-bookworm

# bot.settings finds content/ and schedules/ next to the source tree by default; installed into
# site-packages that would be the wrong place, so the image names every path explicitly.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CONTENT_DIR=/app/content \
    SCHEDULES_DIR=/app/schedules \
    DATABASE_URL=sqlite:////app/data/bot.db \
    METRICS_PORT=9090 \
    METRICS_HOST=0.0.0.0 \
    LOG_FORMAT=json

RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin bot

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# Baked-in defaults; docker-compose.yml mounts the host's content/ and schedules/ over them (read-only),
# so /herladen or SIGHUP loads what was edited on the host.
COPY content/ ./content/
COPY schedules/ ./schedules/
# The data directory must exist and belong to the user before VOLUME: a new named volume is
# initialised from it, ownership included.
RUN mkdir -p /app/data && chown bot:bot /app/data

USER 10001:10001
VOLUME ["/app/data"]

# 8080: webhook (when used); 9090: /healthz and /metrics; 8070: the staff console (`python -m bot console`).
EXPOSE 8070 8080 9090

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "healthcheck"]

CMD ["python", "-m", "bot", "run"]
