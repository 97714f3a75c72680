# robot-seeder runs from its TypeScript sources through tsx (a runtime dependency): no build step.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY jobs ./jobs
COPY tsconfig.json ./
USER node
ENTRYPOINT ["node", "bin/robot-seeder.js"]
CMD ["worker"]
