import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const COMMON: Options = { allErrors: true, removeAdditional: false, useDefaults: true, allowUnionTypes: true, strict: true };

/**
 * Two Ajv instances instead of fastify's one: query strings and headers arrive as text and need
 * type coercion ("?limit=10" is a number), bodies must not get it (fastify's default
 * `coerceTypes: 'array'` would turn `{"jobs": {...}}` into a one-item array and accept it).
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = new Ajv({ ...COMMON, coerceTypes: false });
  const text = new Ajv({ ...COMMON, coerceTypes: true });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}
