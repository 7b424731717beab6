import { Type } from 'typebox';
import type { User } from '../../db/schema.js';
import { PageQuery } from './common.js';

const UserStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('blocked'),
  Type.Literal('banned'),
]);

export const UserItem = Type.Object(
  {
    id: Type.Integer({ description: 'the Telegram user id' }),
    username: Type.Union([Type.String(), Type.Null()]),
    firstName: Type.String(),
    lastName: Type.Union([Type.String(), Type.Null()]),
    language: Type.Union([Type.String(), Type.Null()]),
    status: UserStatus,
    bannedAt: Type.Union([Type.Integer(), Type.Null()]),
    blockedAt: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.Integer(),
    lastSeenAt: Type.Integer(),
  },
  { additionalProperties: false },
);

export const UserQuery = Type.Object(
  {
    ...PageQuery.properties,
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'start of a username or name, or an id' }),
    ),
    status: Type.Optional(UserStatus),
  },
  { additionalProperties: false },
);

export function userItem(user: User) {
  return {
    id: user.id,
    username: user.username,
    firstName: user.first_name,
    lastName: user.last_name,
    language: user.language ?? user.language_code,
    status:
      user.banned_at !== null
        ? ('banned' as const)
        : user.blocked_at !== null
          ? ('blocked' as const)
          : ('active' as const),
    bannedAt: user.banned_at,
    blockedAt: user.blocked_at,
    createdAt: user.created_at,
    lastSeenAt: user.last_seen_at,
  };
}
