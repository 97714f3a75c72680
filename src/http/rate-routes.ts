import type { FastifyInstance, FastifyReply } from 'fastify';
import { findApp } from '../config/find-app.js';
import type { AppConfig, SeederConfig } from '../config/seeder-config.js';
import type { SlotLedger } from '../limiter/slot-ledger.js';
import { PROBLEMS_BODY, UNAUTHORIZED } from './api-schemas.js';
import { APP_QUERY, ASK_APP, forApp, UNKNOWN_APP } from './app-query.js';

/** What the rate routes need of an app's slot ledger. */
export type RateControl = Pick<SlotLedger, 'read' | 'setCeiling'>;

export interface RateRouteDeps {
  /** The apps configured: `?app=` names one; it may be left out when there is one. */
  readonly config: SeederConfig;
  /** Each app's shared rate. */
  readonly rate: (app: AppConfig) => RateControl;
}

interface RateBody {
  readonly ceilingPerSecond: number | null;
}

interface RateQuery {
  readonly app?: string;
}

const RATE_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { app: { ...APP_QUERY, description: `${APP_QUERY.description} Required when several apps are configured (else 400).` } },
} as const;

const RATE_STATE = {
  type: 'object',
  description: 'The app’s shared rate (as `robot-seeder rate show --json`).',
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

/** GET /v1/rate and PUT /v1/rate: an app's shared rate, read or changed while it runs. */
export function registerRateRoutes(app: FastifyInstance, deps: RateRouteDeps): void {
  const rateOf = (reply: FastifyReply, name: string | undefined): RateControl | null =>
    forApp(reply, () => deps.rate(findApp(deps.config, name, ASK_APP)));
  app.get<{ Querystring: RateQuery }>(
    '/v1/rate',
    {
      schema: {
        summary: "An app's shared rate and its ceiling",
        tags: ['rate'],
        querystring: RATE_QUERY,
        response: { 200: RATE_STATE, 400: PROBLEMS_BODY, 401: UNAUTHORIZED, 404: UNKNOWN_APP },
      },
    },
    async (request, reply) => {
      const rate = rateOf(reply, request.query.app);
      return rate === null ? reply : rate.read();
    },
  );
  app.put<{ Body: RateBody; Querystring: RateQuery }>(
    '/v1/rate',
    {
      schema: {
        summary: 'Set the ceiling of an app’s whole fleet (null: back to the workers’ rate for the app)',
        tags: ['rate'],
        querystring: RATE_QUERY,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['ceilingPerSecond'],
          properties: { ceilingPerSecond: { type: ['integer', 'null'], minimum: 1, maximum: 100_000 } },
        },
        response: { 200: RATE_STATE, 400: PROBLEMS_BODY, 401: UNAUTHORIZED, 404: UNKNOWN_APP },
      },
    },
    async (request, reply) => {
      const rate = rateOf(reply, request.query.app);
      return rate === null ? reply : rate.setCeiling(request.body.ceilingPerSecond);
    },
  );
}
