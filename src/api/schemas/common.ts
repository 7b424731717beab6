import { type TSchema, Type } from 'typebox';

/** Every error answer: `{ statusCode, error, message }`. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
  },
  { additionalProperties: false },
);

/** `page` (from 1) and `pageSize` (1..100) of a list; spread `.properties` to add filters. */
export const PageQuery = Type.Object(
  {
    // Deeper pages are refused: an OFFSET that large is slow, or beyond what SQLite takes.
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

/** A page of a list: `{ items, total, page, pageSize }`. */
export function Paged<T extends TSchema>(item: T) {
  return Type.Object(
    {
      items: Type.Array(item),
      total: Type.Integer({ minimum: 0 }),
      page: Type.Integer({ minimum: 1 }),
      pageSize: Type.Integer({ minimum: 1 }),
    },
    { additionalProperties: false },
  );
}

/** The LIMIT and OFFSET of a page. */
export function pageWindow(query: { page: number; pageSize: number }): {
  limit: number;
  offset: number;
} {
  return { limit: query.pageSize, offset: (query.page - 1) * query.pageSize };
}

/** `/:id` with a positive integer, so anything else (`abc`, `..%2f..`) is a 400. */
export const IdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);
