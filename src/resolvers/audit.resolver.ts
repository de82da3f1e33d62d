import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { AuditChainStatus, AuditEventConnection, AuditEventFilterObject } from '../schema/audit-event.type.js';
import type { AuditQueryService } from '../services/audit-query.service.js';

@Resolver()
export class AuditResolver {
  constructor(private readonly audits: AuditQueryService) {}

  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first. Admins only.' })
  auditEvents(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditEventFilterObject, { nullable: true }) filter: AuditEventFilterObject | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-200 (default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return this.audits.list(ctx, filter ?? {}, first, after);
  }

  @Query(() => AuditChainStatus, { description: 'Recomputes the audit hash chain and reports the first break, if any. Admins only.' })
  auditChain(@Ctx() ctx: Context) {
    return this.audits.verify(ctx);
  }
}
