# Neural Playground for a workshop: docker build -t neural-playground . && docker run -p 8000:8000 neural-playground
# (`-e NP_PORT=9000 -p 9000:9000` to serve on another port.)
# Build stage: wheels only, so no compiler or pip cache reaches the final image.
FROM python:3.11-slim AS build
WORKDIR /src
# The dependencies first, exactly as locked: this layer is built again only when the lock
# changes, not at every change of the code.
COPY requirements.lock ./
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.lock
# The project's wheel holds the code and every file it serves (templates, static files,
# catalogs, data): see setup.py.
COPY pyproject.toml setup.py README.md ./
COPY neural_playground ./neural_playground
COPY app ./app
COPY engine ./engine
COPY templates ./templates
COPY static ./static
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /project .

FROM python:3.11-slim
# Every NP_* variable of app/settings.py may be set here or with `docker run -e` (README,
# "Settings and limits"). The ones a workshop host most often sets:
#   NP_ACCESS_CODE        workshop code asked once per browser (empty: none)
#   REDIS_URL             shared rooms and resumes for several replicas (docs/deploy.md)
#   NP_MAX_SESSIONS       open tabs at once (200); more see "full, try again in a minute"
#   NP_ALLOWED_ORIGINS    other origins allowed to open websockets (empty: the page's own)
#   NP_LAB_WORKERS, NP_FRAMES_PER_SECOND, NP_MAX_STEPS_PER_SECOND   capacity and fairness
#   FORWARDED_ALLOW_IPS   proxies whose X-Forwarded-* uvicorn trusts (behind a load balancer)
# Logs are JSON lines with request and session ids. UVICORN_WS_MAX_SIZE caps one websocket
# message at the transport (larger ones close the connection; the page resumes); frames are
# not compressed (CPU, not bandwidth, is what a room runs out of; app/__main__.py).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NP_HOST=0.0.0.0 \
    NP_PORT=8000 \
    NP_LOG_FORMAT=json \
    UVICORN_WS_MAX_SIZE=16777216 \
    UVICORN_WS_PER_MESSAGE_DEFLATE=false
RUN useradd --create-home --uid 10001 playground
WORKDIR /srv/playground
# Dependencies, then the project: a change of code leaves the dependency layer cached.
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl && rm -rf /wheels
COPY --from=build /project /project
RUN pip install --no-cache-dir --no-index --no-deps /project/*.whl && rm -rf /project
USER playground
EXPOSE 8000
# NP_PORT may be changed with `docker run -e`: the check asks wherever the server listens.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"NP_PORT\"]}/healthz', timeout=2)"]
# `neural-playground` (the project's command) serves on NP_HOST:NP_PORT through uvicorn's own
# command line (so every UVICORN_* variable works too) and drains on SIGTERM (docs/deploy.md).
CMD ["neural-playground"]
