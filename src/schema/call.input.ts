import { Field, ID, InputType } from 'type-graphql';
import { CallStatus, CallType } from '../entities/enums.js';

@InputType('InitiateCallInput')
export class InitiateCallInputObject {
  @Field(() => CallType)
  type!: CallType;

  @Field(() => [ID], { description: 'Who to call: 1 to 8 user ids, not including yourself, no repeats. A patient may call providers only.' })
  inviteeIds!: string[];

  @Field(() => String, { nullable: true, description: 'Appointment id in the scheduling system (1-128 of letters, digits, ._:@|/-).' })
  appointmentId?: string | null;

  @Field(() => String, { nullable: true, description: 'Clinical note id in the EHR (same form as appointmentId).' })
  clinicalNoteId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Ring at this future time instead of now (at most 366 days ahead).' })
  scheduledAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Retry-safe key (1-128 of letters, digits, ._:-): the same key from the same user returns the same call.',
  })
  idempotencyKey?: string | null;
}

@InputType('CallFilter', { description: 'Narrows call history. All given conditions must hold.' })
export class CallFilterObject {
  @Field(() => [CallStatus], { nullable: true, description: 'Any of these statuses.' })
  status?: CallStatus[] | null;

  @Field(() => CallType, { nullable: true })
  type?: CallType | null;

  @Field(() => Date, { nullable: true, description: 'Placed at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Placed before this time.' })
  to?: Date | null;

  @Field(() => String, { nullable: true })
  appointmentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Calls this user took part in (for non-admins: calls you shared with them).' })
  participantId?: string | null;
}
