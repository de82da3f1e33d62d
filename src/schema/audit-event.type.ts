import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './call.type.js';

@ObjectType('AuditEvent', { description: 'One entry of the append-only audit trail: who did what to which record, and how it went.' })
export class AuditEventObject {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => ID, { nullable: true, description: "Who acted; null for the service's own timers and jobs." })
  actorId!: string | null;

  @Field(() => String, { description: 'PATIENT, PROVIDER, ADMIN or SYSTEM.' })
  actorRole!: string;

  @Field(() => String, { description: 'What was done, e.g. call.initiate, call.read, calls.list.' })
  action!: string;

  @Field(() => String)
  targetType!: string;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => ID, { nullable: true })
  callId!: string | null;

  @Field(() => String, { description: 'SUCCESS, DENIED or FAILED.' })
  outcome!: string;

  @Field(() => String, { nullable: true, description: 'The error code of a refusal.' })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Client address.' })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String, { description: 'SHA-256 over this entry and the previous hash.' })
  hash!: string;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEventObject)
  node!: AuditEventObject;
}

@ObjectType('AuditEventConnection', { description: 'A page of audit events, newest first.' })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType('AuditChainStatus', { description: 'The result of recomputing the audit hash chain.' })
export class AuditChainStatus {
  @Field(() => Boolean, { description: 'True when every entry matches its hash and links to the one before.' })
  intact!: boolean;

  @Field(() => Int, { description: 'Entries verified before the first break (all of them when intact).' })
  checked!: number;

  @Field(() => ID, { nullable: true, description: 'The first entry that does not match.' })
  firstBrokenId!: string | null;
}

@InputType('AuditEventFilter')
export class AuditEventFilterObject {
  @Field(() => ID, { nullable: true })
  callId?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true })
  action?: string | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;
}
