import { defineEntity, p } from '@mikro-orm/core';

/**
 * One line of the append-only audit trail. Rows are written by `AuditService` only (never through
 * the ORM), chained by SHA-256 so that any change to a past row breaks every hash after it, and a
 * trigger refuses UPDATE and DELETE. No clinical content: actors, actions, ids, outcomes.
 */
const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  readonly: true,
  properties: {
    id: p.bigint('string').primary(),
    occurredAt: p.datetime(),
    actorId: p.string().length(128).nullable(),
    actorRole: p.string().length(16),
    action: p.string().length(64),
    targetType: p.string().length(32),
    targetId: p.string().length(128).nullable(),
    callId: p.uuid().nullable(),
    outcome: p.string().length(16),
    errorCode: p.string().length(32).nullable(),
    ip: p.string().length(64).nullable(),
    requestId: p.string().length(64).nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
export { AuditEventSchema };
