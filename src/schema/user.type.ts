import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../entities/enums.js';

@ObjectType('User', { description: 'A person, as this service knows them from their token.' })
export class UserObject {
  @Field(() => ID, { description: "The platform's user id (the token's `sub`)." })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Display name from the latest token; null until they sign in.' })
  name!: string | null;

  @Field(() => Role, { nullable: true, description: 'Role from the latest token; null for an invitee who has not signed in yet.' })
  role!: Role | null;
}
