# syntax=docker/dockerfile:1
# supportdesk: one image for every server; pick one with the CMD, e.g.
#   docker run -p 8765:8765 supportdesk                        # the whole suite
#   docker run -p 8765:8765 supportdesk serve crm --transport http --host 0.0.0.0
# Settings come from SUPPORTDESK_* environment variables (see README, manifests/).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- builder: build the wheel and install it with its dependencies into a venv ------------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/supportdesk
COPY pyproject.toml README.md ./
COPY servers ./servers
COPY core ./core
COPY embeddings ./embeddings
COPY events ./events
COPY memory ./memory
COPY orchestrator ./orchestrator
RUN /opt/supportdesk/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/supportdesk/bin/pip install /wheels/supportdesk-*.whl

# ---- runtime: the venv only, as an unprivileged user --------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/supportdesk/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SUPPORTDESK_DATA_DIR=/data \
    SUPPORTDESK_HTTP_PORT=8765 \
    HOME=/tmp
RUN groupadd --system --gid 10001 supportdesk \
 && useradd --system --uid 10001 --gid supportdesk --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin supportdesk \
 && mkdir -p /data \
 && chown supportdesk:supportdesk /data
COPY --from=builder /opt/supportdesk /opt/supportdesk
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8765
# /healthz answers once the process serves; the Host guard accepts 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SUPPORTDESK_HTTP_PORT', '8765'), timeout=4)"]
ENTRYPOINT ["supportdesk"]
CMD ["serve", "all", "--transport", "http", "--host", "0.0.0.0"]
