import { describe, expect, it } from 'vitest';
import { CallStatus, ParticipantRole } from '../src/entities/enums.js';
import { AppError } from '../src/errors.js';
import { CallAction, isTerminal, nextStatus, transition } from '../src/services/call-state-machine.js';
import { politeToward } from '../src/services/room.service.js';
import type { CallParticipant } from '../src/entities/call-participant.entity.js';

// Unit tests of pure modules: no I/O to fake.
describe('the call state machine', () => {
  const legal: [CallStatus, CallAction, CallStatus][] = [
    [CallStatus.SCHEDULED, CallAction.RING, CallStatus.RINGING],
    [CallStatus.SCHEDULED, CallAction.CANCEL, CallStatus.CANCELLED],
    [CallStatus.RINGING, CallAction.ANSWER, CallStatus.ACTIVE],
    [CallStatus.RINGING, CallAction.DECLINE, CallStatus.DECLINED],
    [CallStatus.RINGING, CallAction.CANCEL, CallStatus.CANCELLED],
    [CallStatus.RINGING, CallAction.MISS, CallStatus.MISSED],
    [CallStatus.RINGING, CallAction.FAIL, CallStatus.FAILED],
    [CallStatus.ACTIVE, CallAction.END, CallStatus.ENDED],
    [CallStatus.ACTIVE, CallAction.FAIL, CallStatus.FAILED],
  ];

  it('allows exactly the documented moves and refuses every other with CONFLICT naming the current status', () => {
    for (const from of Object.values(CallStatus)) {
      for (const action of Object.values(CallAction)) {
        const expected = legal.find(([f, a]) => f === from && a === action)?.[2];
        expect(nextStatus(from, action), `${from} + ${action}`).toBe(expected);
        if (expected) continue;
        const error = (() => {
          try {
            transition(from, action);
          } catch (e) {
            return e;
          }
        })() as AppError;
        expect(error).toBeInstanceOf(AppError);
        expect(error.code).toBe('CONFLICT');
        expect(error.extensions.currentStatus).toBe(from);
        expect(error.message).toContain(from);
      }
    }
  });

  it('has the five final statuses and no way out of them', () => {
    expect(Object.values(CallStatus).filter(isTerminal).sort()).toEqual(['CANCELLED', 'DECLINED', 'ENDED', 'FAILED', 'MISSED']);
  });
});

describe('the polite peer', () => {
  const participant = (id: string, role: ParticipantRole, position: number) =>
    ({ user: { id }, role, position }) as unknown as CallParticipant;

  it('makes exactly one of every pair polite, the one named later', () => {
    const all = [
      participant('zed', ParticipantRole.CALLER, 0),
      participant('amy', ParticipantRole.INVITEE, 1),
      participant('bob', ParticipantRole.INVITEE, 2),
    ];
    for (const a of all) {
      for (const b of all) {
        if (a === b) continue;
        expect(politeToward(a, b)).toBe(!politeToward(b, a));
        expect(politeToward(a, b)).toBe(a.position > b.position);
      }
    }
  });
});
