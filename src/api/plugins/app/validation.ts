import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * TypeBox validates every part. A body is checked as sent, so `{"title": 5}` is refused
 * rather than coerced to "5" (Fastify's default Ajv coerces bodies too); the query, params
 * and headers are strings on the wire, so they get their defaults and are converted first.
 */
const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route);
  if (route.httpPart === 'body') return validate;
  return (value) => validate(Value.Default(route.schema, value));
};

/**
 * One message naming the field: `body/title must not have more than 200 characters`,
 * `body must not have additional properties: foo`, `body/role must be one of "admin", ...`.
 */
function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  // TypeBox reports an unknown property twice: as `schema is false` and, naming it, here.
  const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  if (!error) return new Error(`${dataVar} is not valid`);
  const path = `${dataVar}${error.instancePath}`;
  const unknown = error.params.additionalProperties;
  if (Array.isArray(unknown)) return new Error(`${path} ${error.message}: ${unknown.join(', ')}`);
  // A union of literals fails once per literal: list them instead of "must be equal to constant".
  const allowed = errors
    .filter((e) => e.keyword === 'const' && e.instancePath === error.instancePath)
    .map((e) => JSON.stringify(e.params.allowedValue));
  if (allowed.length > 0) return new Error(`${path} must be one of ${allowed.join(', ')}`);
  return new Error(`${path} ${error.message}`);
}

/** Request validation for every route. */
export default fp(
  async (fastify) => {
    fastify.setValidatorCompiler(validatorCompiler);
    fastify.setSchemaErrorFormatter(formatSchemaErrors);
  },
  { name: 'validation' },
);
