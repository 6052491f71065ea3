# Portico's container image: docs/operations.md#docker. No compiler, no dev dependency, no root in the image.

# Build: the dev dependencies compile the TypeScript, then leave.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY app ./app
COPY bin ./bin
COPY views ./views
COPY public ./public
COPY migrations ./migrations
# npm ci installs the lock's exact versions, builds the native SQLite binding and, through the prepare
# script, compiles dist/; prune then removes the dev dependencies (typescript, eslint, the test tools).
RUN npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund \
  && npm cache clean --force

# Runtime: the same Debian and Node as the build (the SQLite binding is built for them), slim.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=8080
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/app ./dist/app
COPY --from=build /app/bin ./bin
COPY --from=build /app/views ./views
COPY --from=build /app/public ./public
COPY --from=build /app/migrations ./migrations
# The image's files stay root's and read-only to Portico; it writes only its data folder.
RUN mkdir /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers 200 while the database answers; slim images have no curl, so node asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, without npm, so that `docker stop`'s SIGTERM reaches Portico itself.
CMD ["node", "bin/start.js"]
