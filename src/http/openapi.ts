import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * Collects the routes' JSON schemas into an OpenAPI 3.1 document. Register it before any route:
 * it sees routes as they are added. Routes whose schema says `hide: true` (bull-board's) are left out.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'robot-seeder',
        version,
        description:
          'Seeds robot accounts into Tencent Cloud Chat live rooms. Every route but /healthz, /readyz and the Tencent callback needs ' +
          '`Authorization: Bearer <token>` with a token of API_TOKENS. See docs/http-api.md.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
  });
}

/** GET /openapi.json: the document (behind the bearer token, like the API it describes). */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
