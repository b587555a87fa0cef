# ragtune. Build: docker build -t ragtune .   (see README "Docker" and docs/scale-out.md)
# Stage 1 compiles the TypeScript to dist/ (npm ci runs `prepare`, i.e. the build); stage 2 carries only
# production dependencies and the compiled JavaScript, so the container never needs tsx or the compiler.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY ingestion ./ingestion
COPY finetune ./finetune
COPY prompts ./prompts
COPY web ./web
RUN npm run build

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production RAGTUNE_DATA_DIR=/data HOST=0.0.0.0 PORT=3000
# poppler's pdftoppm renders page images (console, GET …/pages/:n?format=png) and pages to OCR;
# tesseract with English data reads scanned pages.
RUN apt-get update && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) is done in stage 1; better-sqlite3 and sqlite-vec ship prebuilt binaries.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
COPY scripts/node22.mjs ./scripts/node22.mjs
COPY bin/ragtune.js ./bin/ragtune.js
VOLUME ["/data"]
EXPOSE 3000
# Ready means the store answers; the port is whatever PORT says at run time.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/ragtune.js"]
CMD ["serve"]
