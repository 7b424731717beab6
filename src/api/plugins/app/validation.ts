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

/** One message naming the field: `body/title must not have more than 200 characters`. */
function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  // TypeBox reports an unknown property twice: as `schema is false` and, naming it, here.
  const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  if (!error) return new Error(`${dataVar} is not valid`);
  const unknown = error.params.additionalProperties;
  const names = Array.isArray(unknown) ? `: ${unknown.join(', ')}` : '';
  return new Error(`${dataVar}${error.instancePath} ${error.message}${names}`);
}

/** Request validation for every route. */
export default fp(
  async (fastify) => {
    fastify.setValidatorCompiler(validatorCompiler);
    fastify.setSchemaErrorFormatter(formatSchemaErrors);
  },
  { name: 'validation' },
);
