import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { UserObject } from '../schema/user.type.js';
import type { UserService } from '../services/user.service.js';

@Resolver()
export class MeResolver {
  constructor(private readonly users: UserService) {}

  @Query(() => UserObject, { description: 'Who your token says you are.' })
  me(@Ctx() ctx: Context): Promise<UserObject> {
    return this.users.me(ctx);
  }
}
