# Neural Playground for a workshop: docker build -t neural-playground . && docker run -p 8000:8000 neural-playground
# Build stage: wheels only, so no compiler or pip cache reaches the final image.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY engine ./engine
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
# Every NP_* variable of app/settings.py may be set here or with `docker run -e`.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NP_HOST=0.0.0.0 \
    NP_PORT=8000
RUN useradd --create-home --uid 10001 playground
WORKDIR /srv/playground
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY templates ./templates
COPY static ./static
ENV NP_TEMPLATES_DIR=/srv/playground/templates \
    NP_STATIC_DIR=/srv/playground/static
USER playground
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
