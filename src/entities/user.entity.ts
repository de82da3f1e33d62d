import { defineEntity, p } from '@mikro-orm/core';
import { Role } from './enums.js';

/**
 * A person known to this service. The id is the platform's own user id (the token's `sub`).
 * A user may be invited before ever signing in: role and name are then unknown until they do.
 */
const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.string().primary().length(128),
    role: p.enum(() => Role).nullable(),
    name: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().nullable(),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
export { UserSchema };
