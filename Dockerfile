FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 \
    CUNCUN_PROCESSES_DIR=/app/processes \
    CUNCUN_FORMS_DIR=/app/forms
COPY pyproject.toml README.md ./
COPY app ./app
COPY engine ./engine
RUN pip install --no-cache-dir -e .
COPY processes ./processes
COPY forms ./forms
EXPOSE 8000
# The web container; run the timer worker from the same image with the command `cuncun worker`.
CMD ["sh", "-c", "cuncun init-db && cuncun seed-org && cuncun deploy && exec gunicorn --workers 4 --bind 0.0.0.0:8000 'app:create_app()'"]
