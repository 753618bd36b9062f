# syntax=docker/dockerfile:1
# KAML-D: one image per service, all built from this file. The build context is the repository
# root, because a service is installed together with the workspace libraries it depends on,
# exactly as pinned by uv.lock:
#
#   docker build --build-arg SERVICE=metadata-hub --build-arg PORT=8081 -t kamld/metadata-hub:dev .
#
# SERVICE is the directory name under services/ (the package is kamld-<SERVICE>); PORT is the
# service's port, the one its settings default to.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY libs/ libs/
COPY services/ services/
RUN --mount=type=cache,target=/root/.cache/uv \
    test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<service>" >&2; exit 1; }; \
    uv sync --frozen --no-dev --no-editable --package kamld-${SERVICE} --python /usr/local/bin/python3.11

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT
ARG DESCRIPTION="KAML-D service"
LABEL org.opencontainers.image.title="kamld-${SERVICE}" \
      org.opencontainers.image.description="${DESCRIPTION}"
RUN test -n "${PORT}" || { echo "build with --build-arg PORT=<the service's port>" >&2; exit 1; }; \
    groupadd --system --gid 10001 kamld \
    && useradd --system --uid 10001 --gid kamld --home-dir /var/lib/kamld --create-home --shell /usr/sbin/nologin kamld
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PYTHONDONTWRITEBYTECODE=1 \
    KAMLD_HOME=/var/lib/kamld \
    KAMLD_SERVICE=${SERVICE} \
    KAMLD_LISTEN_HOST=0.0.0.0 \
    KAMLD_LISTEN_PORT=${PORT}
USER 10001:10001
WORKDIR /var/lib/kamld
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-m", "kamld_common.container", "healthcheck"]
CMD ["python", "-m", "kamld_common.container", "serve"]
