# syntax=docker/dockerfile:1
# tweetpipe: the CLI (default target) and an Airflow image with the DAGs and the CLI (target `airflow`).

# --- build: compile TypeScript, then keep only production dependencies ---------------------------
FROM node:26-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --loglevel=error
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
RUN npx tsc -p tsconfig.json \
 && rm -rf dist/bench \
 && find dist -name '*.test.js' -delete -o -name '*.test.js.map' -delete -o -name '.tsbuildinfo' -delete \
 && npm prune --omit=dev --no-audit --no-fund

# --- airflow: Apache Airflow 3 with tweetpipe's DAGs and the CLI on every component ------------
FROM apache/airflow:3.1.8 AS airflow
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build --chown=airflow:0 /app/node_modules /opt/tweetpipe/node_modules
COPY --from=build --chown=airflow:0 /app/dist /opt/tweetpipe/dist
COPY --chown=airflow:0 package.json /opt/tweetpipe/package.json
COPY --chown=airflow:0 bin /opt/tweetpipe/bin
COPY --chown=airflow:0 airflow/dags /opt/tweetpipe/dags
ENV TWEETPIPE_BIN="/usr/local/bin/node /opt/tweetpipe/bin/tweetpipe.js" \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/tweetpipe/dags
USER airflow

# --- runtime (default): the tweetpipe CLI as a non-root user ------------------------------------
FROM node:26-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# The lake and the DuckDB warehouse default to ./data: give the unprivileged user a place for them.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
ENTRYPOINT ["node", "/app/bin/tweetpipe.js"]
CMD ["--help"]
