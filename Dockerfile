# The production image: gunicorn for the web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KFQ_VAR_DIR=/app/var

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations ship compiled (locale/*/django.mo), so the image needs no gettext.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app kfq \
    && chown -R kfq /app/var

USER 10001
EXPOSE 8000
CMD ["gunicorn", "kfq.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
