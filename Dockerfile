# Two stages: the build stage compiles src/ to dist/ with the dev dependencies (tsc, then esbuild
# bundles the CLI into dist/bundle/); the runtime image gets the production dependencies and the
# compiled JS only, no TypeScript and no transpiler.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the build) cannot run before the sources are copied; it runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-cli.mjs ./scripts/
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run the build, and tsc is a dev dependency, not installed here.
# valibot (under @bull-board/api) names typescript as an optional peer, so npm installs it even
# with --omit=dev; nothing loads it at run time, and the image has no use for 23 MB of compiler.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf node_modules/typescript
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY jobs ./jobs
USER node
ENTRYPOINT ["node", "bin/robot-seeder.js"]
CMD ["worker"]
