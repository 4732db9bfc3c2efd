# The bot as a container image, built from the project's own files:
#   docker build -t mitra-bot .
#   docker run -d --name mitra-bot -v mitra-data:/data --env-file bot.env mitra-bot
# bot.env holds BOT_TOKEN, STAFF_CHAT_ID and, for webhook mode, BOT_MODE=webhook, WEBHOOK_URL,
# WEBHOOK_SECRET, WEBHOOK_LISTEN=0.0.0.0 (see README.md, "Deploying").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/mitra.sqlite3 \
    BACKUP_DIR=/data/backups \
    RECRUITMENT_FILE=/app/recruitment.example.yaml

WORKDIR /app
COPY pyproject.toml README.md recruitment.example.yaml ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY question_bank ./question_bank
COPY tgsim ./tgsim
RUN pip install . && useradd --system --uid 10001 --home /data mitra \
    && mkdir -p /data && chown mitra /data

USER mitra
VOLUME ["/data"]
EXPOSE 8443
# Validates the configuration first: a bad one stops here with every problem listed.
CMD ["sh", "-c", "python -m bot check-config && exec python -m bot"]
