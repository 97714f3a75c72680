import type { FastifyInstance } from 'fastify';
import type { LedgerState, SlotLedger } from '../limiter/slot-ledger.js';
import { PROBLEMS_BODY, UNAUTHORIZED } from './api-schemas.js';

/** What the rate routes need of the app's slot ledger. */
export type RateControl = Pick<SlotLedger, 'read' | 'setCeiling'>;

interface RateBody {
  readonly ceilingPerSecond: number | null;
}

const RATE_STATE = {
  type: 'object',
  description: 'The fleet’s shared rate (as `robot-seeder rate show --json`).',
  required: ['ratePerSecond', 'ceilingPerSecond', 'ceilingSource'],
  properties: {
    ratePerSecond: {
      type: ['number', 'null'],
      description:
        'Calls per second the fleet may send now (below the ceiling while it recovers from rate refusals); null before any call.',
    },
    ceilingPerSecond: { type: 'number', description: 'The most it may send.' },
    ceilingSource: {
      type: 'string',
      enum: ['operator', 'workers', 'caller'],
      description:
        '`operator`: set through this API or `rate set`; `workers`: their RATE_LIMIT_PER_SECOND; `caller`: no worker has called yet.',
    },
  },
} as const;

/** GET /v1/rate and PUT /v1/rate: the fleet's shared rate, read or changed while it runs. */
export function registerRateRoutes(app: FastifyInstance, rate: RateControl): void {
  app.get(
    '/v1/rate',
    { schema: { summary: "The fleet's shared rate and its ceiling", tags: ['rate'], response: { 200: RATE_STATE, 401: UNAUTHORIZED } } },
    (): Promise<LedgerState> => rate.read(),
  );
  app.put<{ Body: RateBody }>(
    '/v1/rate',
    {
      schema: {
        summary: 'Set the ceiling of the whole fleet (null: back to the workers’ RATE_LIMIT_PER_SECOND)',
        tags: ['rate'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['ceilingPerSecond'],
          properties: { ceilingPerSecond: { type: ['integer', 'null'], minimum: 1, maximum: 100_000 } },
        },
        response: { 200: RATE_STATE, 400: PROBLEMS_BODY, 401: UNAUTHORIZED },
      },
    },
    (request): Promise<LedgerState> => rate.setCeiling(request.body.ceilingPerSecond),
  );
}
