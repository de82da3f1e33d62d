import { registerEnumType } from 'type-graphql';
import {
  CallEndReason, CallFailureCode, CallStatus, CallType, ParticipantRole, ParticipantStatus, Role,
} from '../entities/enums.js';

/** The reasons a participant may give when hanging up; the others are set by the service. */
export enum EndCallReason {
  HANGUP = 'HANGUP',
  TECHNICAL_ISSUE = 'TECHNICAL_ISSUE',
}

export enum CallEventKind {
  /** The first event of every callEvents subscription: where the call stands now. */
  CURRENT_STATUS = 'CURRENT_STATUS',
  STATUS_CHANGED = 'STATUS_CHANGED',
  PARTICIPANT_DECLINED = 'PARTICIPANT_DECLINED',
}

registerEnumType(CallType, { name: 'CallType', description: 'The medium of a call.' });
registerEnumType(CallStatus, {
  name: 'CallStatus',
  description: 'Where a call is in its life. SCHEDULED and RINGING and ACTIVE are live; the others are final.',
  valuesConfig: {
    SCHEDULED: { description: 'Placed for later; rings by itself at scheduledAt.' },
    RINGING: { description: "Ringing on the invitees' devices until answered, declined, cancelled or the ring timeout." },
    ACTIVE: { description: 'Answered; in progress.' },
    ENDED: { description: 'Was answered and has ended.' },
    CANCELLED: { description: 'Withdrawn by the caller before anyone answered.' },
    MISSED: { description: 'Nobody answered before the ring timeout.' },
    DECLINED: { description: 'Every invitee declined.' },
    FAILED: { description: 'Marked failed by a provider, with a failure code.' },
  },
});
registerEnumType(Role, { name: 'Role', description: "A user's role, from their token." });
registerEnumType(ParticipantRole, { name: 'ParticipantRole', description: 'Whether a participant placed the call or was invited to it.' });
registerEnumType(ParticipantStatus, { name: 'ParticipantStatus', description: "A participant's presence in a call." });
registerEnumType(CallEndReason, { name: 'CallEndReason', description: 'Why a call ended.' });
registerEnumType(CallFailureCode, { name: 'CallFailureCode', description: 'What went wrong with a FAILED call.' });
registerEnumType(EndCallReason, { name: 'EndCallReason', description: 'Why a participant hangs up.' });
registerEnumType(CallEventKind, {
  name: 'CallEventKind',
  description: 'What a CallEvent reports.',
  valuesConfig: {
    CURRENT_STATUS: { description: 'Always first on a new subscription: the status at the time you subscribed.' },
    STATUS_CHANGED: { description: 'The call moved to another status.' },
    PARTICIPANT_DECLINED: { description: 'One of several invitees declined; the call still rings for the others.' },
  },
});
