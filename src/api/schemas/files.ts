import { Type } from 'typebox';
import type { LibraryFile } from '../../db/schema.js';
import { MAX_TITLE_LENGTH } from '../../library/file-types.js';
import { PageQuery } from './common.js';

export const FileKind = Type.Union([
  Type.Literal('document'),
  Type.Literal('audio'),
  Type.Literal('video'),
]);

export const FileItem = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    type: FileKind,
    fileName: Type.Union([Type.String(), Type.Null()]),
    mimeType: Type.Union([Type.String(), Type.Null()]),
    size: Type.Integer(),
    tags: Type.Array(Type.String()),
    downloads: Type.Integer(),
    /** The renamed copy with the default thumbnail exists. */
    processed: Type.Boolean(),
    addedBy: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.Integer({ description: 'Unix ms' }),
    updatedAt: Type.Integer({ description: 'Unix ms' }),
  },
  { additionalProperties: false },
);

export const FileQuery = Type.Object(
  {
    ...PageQuery.properties,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'the bot search; empty: all' })),
    type: Type.Optional(FileKind),
  },
  { additionalProperties: false },
);

export const FileChange = Type.Object(
  {
    title: Type.Optional(
      Type.String({ minLength: 1, maxLength: MAX_TITLE_LENGTH, pattern: '\\S' }),
    ),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export function fileItem(file: LibraryFile) {
  return {
    id: file.id,
    title: file.title,
    type: file.type,
    fileName: file.file_name,
    mimeType: file.mime_type,
    size: file.size,
    tags: file.tags.split(',').filter(Boolean),
    downloads: file.downloads_count,
    processed: file.processed_file_id !== null,
    addedBy: file.added_by,
    createdAt: file.created_at,
    updatedAt: file.updated_at,
  };
}
