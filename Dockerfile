# mocknexus: MX Nexus API emulator. Build: docker build -t mocknexus .   Run: docker run -p 8080:8080 mocknexus
# ---- build: a wheel of the package (bundled fixtures inside it) ----
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY mocknexus ./mocknexus
COPY fixtures ./fixtures
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# ---- runtime: the wheel and its dependencies (waitress, the server, among them); nothing else ----
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MOCKNEXUS_HOST=0.0.0.0 \
    MOCKNEXUS_PORT=8080
COPY --from=build /wheels /wheels
# With the [postgresql] extra (psycopg 3 and its pool): `--store postgresql://...` for a team sandbox (docs/team.md).
RUN pip install "$(ls /wheels/mocknexus-*.whl)[postgresql]" && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home mocknexus \
    && mkdir /fixtures && chown mocknexus /fixtures
USER mocknexus
# Put your own fixture files here (docker run -v ./my-fixtures:/fixtures -e MOCKNEXUS_FIXTURES=/fixtures ...).
VOLUME ["/fixtures"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('MOCKNEXUS_PORT', '8080') + '/__admin/health', timeout=2)"
# `mocknexus serve`: waitress, one process (the state is in memory, so every request must reach the same
# one), MOCKNEXUS_THREADS worker threads (default 8); it stops on SIGTERM. tests/serving/test_serving.py runs this
# very command line, read from here, so the image's server is the one the tests exercise.
CMD ["mocknexus", "serve"]
