import { defineEntity, p } from '@mikro-orm/core';
import { ParticipantRole, ParticipantStatus } from './enums.js';
import { Call } from './call.entity.js';
import { User } from './user.entity.js';

/**
 * A user's place in one call. `callCreatedAt` repeats the call's creation time so that a user's
 * history is one index range scan, newest first.
 */
const CallParticipantSchema = defineEntity({
  name: 'CallParticipant',
  tableName: 'call_participants',
  properties: {
    id: p.uuid().primary(),
    call: () => p.manyToOne(Call).ref(),
    user: () => p.manyToOne(User).ref(),
    role: p.enum(() => ParticipantRole),
    status: p.enum(() => ParticipantStatus),
    invitedAt: p.datetime(),
    joinedAt: p.datetime().nullable(),
    leftAt: p.datetime().nullable(),
    callCreatedAt: p.datetime(),
  },
});

export class CallParticipant extends CallParticipantSchema.class {}
CallParticipantSchema.setClass(CallParticipant);
export { CallParticipantSchema };
