# partnergraph: the CLI, and the viewer under gunicorn once it exists.
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY cypher ./cypher
COPY web ./web
RUN pip install . gunicorn && useradd --create-home partnergraph
USER partnergraph
WORKDIR /home/partnergraph

ENTRYPOINT ["partnergraph"]
CMD ["info"]
