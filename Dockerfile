# ragtune: the embedded default (SQLite in /data). Build: docker build -t ragtune .
FROM node:22-bookworm-slim
WORKDIR /app
# poppler's pdftoppm renders page images (console, GET …/pages/:n?format=png) and pages to OCR;
# tesseract with English data reads scanned pages.
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production RAGTUNE_DATA_DIR=/data HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY ingestion ./ingestion
COPY finetune ./finetune
COPY prompts ./prompts
COPY web ./web
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "bin/ragtune.js", "serve"]
