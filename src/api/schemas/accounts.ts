import { Type } from 'typebox';

export const Username = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });
/** Checked only on new passwords; a login takes what it is given, up to the limit. */
export const NewPassword = Type.String({ minLength: 8, maxLength: 256 });
export const RoleSchema = Type.Union([
  Type.Literal('superadmin'),
  Type.Literal('admin'),
  Type.Literal('editor'),
  Type.Literal('viewer'),
]);

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const LoginResponse = Type.Object(
  {
    token: Type.String(),
    /** Seconds. */
    expiresIn: Type.Integer(),
  },
  { additionalProperties: false },
);

/** An account as the API shows it: never its hash. */
export const AccountSchema = Type.Object(
  {
    id: Type.Integer(),
    username: Type.String(),
    role: RoleSchema,
    disabled: Type.Boolean(),
    createdAt: Type.Integer({ description: 'Unix milliseconds' }),
  },
  { additionalProperties: false },
);
