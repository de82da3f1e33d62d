import { CallStatus } from '../entities/enums.js';
import { conflict } from '../errors.js';

/** Everything that can happen to a call. Who may cause each is decided by `CallService`. */
export enum CallAction {
  /** A scheduled call's time has come (the timer). */
  RING = 'RING',
  ANSWER = 'ANSWER',
  /** Every invitee has declined. */
  DECLINE = 'DECLINE',
  CANCEL = 'CANCEL',
  END = 'END',
  /** Nobody answered within the ring timeout. */
  MISS = 'MISS',
  FAIL = 'FAIL',
}

/** The one table of legal moves: from a status, an action leads to exactly one status. */
const transitions: Record<CallStatus, Partial<Record<CallAction, CallStatus>>> = {
  [CallStatus.SCHEDULED]: { [CallAction.RING]: CallStatus.RINGING, [CallAction.CANCEL]: CallStatus.CANCELLED },
  [CallStatus.RINGING]: {
    [CallAction.ANSWER]: CallStatus.ACTIVE,
    [CallAction.DECLINE]: CallStatus.DECLINED,
    [CallAction.CANCEL]: CallStatus.CANCELLED,
    [CallAction.MISS]: CallStatus.MISSED,
    [CallAction.FAIL]: CallStatus.FAILED,
  },
  [CallStatus.ACTIVE]: { [CallAction.END]: CallStatus.ENDED, [CallAction.FAIL]: CallStatus.FAILED },
  [CallStatus.ENDED]: {},
  [CallStatus.CANCELLED]: {},
  [CallStatus.MISSED]: {},
  [CallStatus.DECLINED]: {},
  [CallStatus.FAILED]: {},
};

export const isTerminal = (status: CallStatus) => Object.keys(transitions[status]).length === 0;

/** The status `action` leads to from `from`, or undefined when the move is illegal. */
export function nextStatus(from: CallStatus, action: CallAction): CallStatus | undefined {
  return transitions[from][action];
}

/** Like {@link nextStatus}, but an illegal move throws CONFLICT naming the current status. */
export function transition(from: CallStatus, action: CallAction): CallStatus {
  const to = nextStatus(from, action);
  if (!to) {
    const allowed = Object.values(CallStatus).filter((s) => transitions[s][action]);
    throw conflict(`cannot ${action.toLowerCase()} a call that is ${from}; only a call that is ${allowed.join(' or ')} can`, {
      currentStatus: from,
    });
  }
  return to;
}
