import { GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { WebSocket } from 'ws';
import type { Context } from '../context.js';
import type { SignalEnvelope } from '../signaling/signal.js';
import type { SendSignalInput } from '../services/signaling.service.js';
import type { MaybePromise } from '../signaling/signal-log.js';
import { completeFrameId, holds, readSendFrame, type SendFrame } from './plain-frames.js';
import { isSignalKind, openSignalSession, rememberPayloadJson, renderSent, sendFast, sendInput, signalRenderer, type FastPlan } from './signal-fast-path.js';
import { sendText, tcpSocketOf } from './text-frames.js';

/**
 * The part of graphql-ws's per-socket state the lane shares with it: whether the connection was
 * acknowledged, and the operations in flight by id. The lane's `signals` subscriptions are
 * registered there, so graphql-ws's own cleanup (the socket closing) reaches them too; its
 * `sendSignal` operations in flight are kept by the lane, which sees every frame first and so
 * keeps ids unique across both.
 */
export interface LaneSocketState {
  acknowledged: boolean;
  subscriptions: Record<string, unknown>;
}

export interface LaneOptions {
  schema: GraphQLSchema;
  /** The cached plan of a query, or null when graphql-js must run it (src/http/ws.ts). */
  planOf(query: string): FastPlan | null;
  /**
   * Whether the socket may run the operation here: false for anything onSubscribe would refuse
   * or change (an expired token, a service token), which then takes graphql-ws's path.
   */
  admits(): boolean;
  /** The context of one operation on this socket. */
  context(): Context;
  format(errors: readonly GraphQLError[]): GraphQLFormattedError[];
}

/**
 * Bytes a socket may have waiting to be written before the lane ends its `signals` stream with
 * `complete` (the client resumes with afterSeq and epoch): a reader that stopped reading costs bounded memory.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** A send relayed or refused at once, whose answer is written once the read is handled. */
interface DueAnswer {
  id: string;
  plan: FastPlan;
  outcome: SignalEnvelope | ExecutionResult;
}

type Message = { type?: unknown; id?: unknown; payload?: unknown };
type SubscribePayload = { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const optionalObject = (value: unknown) => value === undefined || value === null || isObject(value);

/**
 * The signaling lane: the frames of a call's negotiation, answered straight from the socket in
 * front of graphql-ws. A `subscribe` whose document is a plain `sendSignal` mutation or `signals`
 * subscription (src/http/signal-fast-path.ts) and every `complete` are handled here; every other
 * frame goes on to graphql-ws untouched. The lane speaks the same protocol with the same results
 * (graphql-transport-ws, PROTOCOL.md): `next` then `complete`, formatted errors, ids unique per
 * socket, nothing sent for an operation the client completed. What it saves per signal is
 * graphql-ws's second parse of the frame, the onSubscribe and context hooks, its promise chain per
 * result and a context per operation: a signal's sender reuses one context per socket. The two
 * frames of a signal, in the form clients write them, are not parsed at all: they are read as
 * they lie (src/http/plain-frames.ts), the query known by its bytes.
 *
 * A client that completes a `sendSignal` right after subscribing (in the same write) gets no
 * answer at all: the signal is relayed, one frame fewer leaves the server (docs/SIGNALING.md,
 * "Unacknowledged sends").
 *
 * Returns the handler of one incoming frame: true when the lane took it.
 */
export function signalLane(socket: WebSocket, state: () => LaneSocketState | undefined, options: LaneOptions) {
  let senderContext: Context | undefined;
  /** graphql-ws's state of this socket, once it acknowledged the connection (the same object from then on). */
  let acknowledged: LaneSocketState | undefined;
  /**
   * The lane's `sendSignal` operations still waiting on the service (a call whose view was being
   * loaded), by id, each with a number of its own: kept here rather than among graphql-ws's
   * operations, whose object (ids as keys, added and deleted per signal) costs a dictionary
   * update each time; ids stay unique across both (see below).
   */
  const sending = new Map<string, number>();
  let sends = 0;
  /**
   * Sends the service relayed (or refused) at once, whose answer is due once this read's frames
   * have all been handled: a `complete` for one of them in the same read takes it out, and it is
   * never answered (an unacknowledged send). Nearly every signal goes this way, with no promise
   * and no map entry of its own.
   */
  const due: (DueAnswer | undefined)[] = [];
  /**
   * How many of `due` are waiting: the array keeps its room from one read to the next (emptying
   * it by its length would give its storage up, and the next read's first send grow it anew).
   */
  let dueCount = 0;
  const answerDue = () => {
    try {
      together(() => {
        for (let i = 0; i < dueCount; i++) {
          const { id, plan, outcome } = due[i]!;
          answer(id, plan, outcome);
        }
      });
    } catch (error) {
      fail(error);
    } finally {
      // Emptied whatever happened: the next send queues the next answer.
      for (let i = 0; i < dueCount; i++) due[i] = undefined;
      dueCount = 0;
    }
  };
  const isDue = (id: string) => {
    for (let i = 0; i < dueCount; i++) if (due[i]!.id === id) return i;
    return -1;
  };
  /** Takes the answer due at `at` out, keeping the others in their order. */
  const dropDue = (at: number) => {
    for (let i = at + 1; i < dueCount; i++) due[i - 1] = due[i];
    due[--dueCount] = undefined;
  };
  /** The last query seen on this socket and its plan: a client sends the same one over and over. */
  let lastQuery: string | undefined;
  let lastPlan: FastPlan | null = null;
  /** The same for frames read without parsing: the last query's JSON string literal, as bytes. */
  let lastLiteral: Buffer | undefined;
  let lastLiteralPlan: FastPlan | null = null;
  /** The plan of the query whose literal lies at [start, end) of `data`, or null (not one the lane answers). */
  const planOfLiteral = (data: Buffer, start: number, end: number): FastPlan | null => {
    if (lastLiteral?.length === end - start && holds(data, start, lastLiteral)) return lastLiteralPlan;
    let query: unknown;
    try {
      query = JSON.parse(data.toString('utf8', start, end));
    } catch {
      return null;
    }
    if (typeof query !== 'string') return null;
    lastLiteral = Buffer.from(data.subarray(start, end));
    return (lastLiteralPlan = options.planOf(query));
  };

  const send = (frame: string) => {
    if (socket.readyState === socket.OPEN) sendText(socket, frame);
  };
  /** Runs `write` with the socket corked: the frames it sends leave in one write. */
  const together = (write: () => void) => {
    const tcp = tcpSocketOf(socket);
    tcp?.cork();
    try {
      write();
    } finally {
      tcp?.uncork();
    }
  };
  const sendResult = (id: string, result: ExecutionResult) => {
    const payload = result.errors ? { ...result, errors: options.format(result.errors) } : result;
    send(`{"id":${JSON.stringify(id)},"type":"next","payload":${JSON.stringify(payload)}}`);
  };
  const sendComplete = (id: string) => send(`{"id":${JSON.stringify(id)},"type":"complete"}`);
  /** The answer to a `sendSignal`: its result (the envelope shaped, or the errors), then `complete`. */
  const answer = (id: string, plan: FastPlan, outcome: SignalEnvelope | ExecutionResult) => {
    if ('seq' in outcome) send(`{"id":${JSON.stringify(id)},"type":"next","payload":${renderSent(plan, outcome)}}`);
    else sendResult(id, outcome);
    sendComplete(id);
  };
  const asGraphQLError = (error: unknown) => {
    const cause = error instanceof Error ? error : new Error(String(error));
    return new GraphQLError(cause.message, { originalError: cause });
  };
  /** What graphql-ws does when handling a frame throws: the error is reported (formatting logs it) and the socket closes. */
  const fail = (error: unknown) => {
    options.format([asGraphQLError(error)]);
    socket.close(4500, 'Internal server error');
  };

  /** Answers a `sendSignal` with what the service did: once this read is handled, or once it settles. */
  const answerSend = (id: string, plan: FastPlan, outcome: MaybePromise<SignalEnvelope | ExecutionResult>) => {
    if (outcome instanceof Promise) return void waitForSend(id, plan, outcome).catch(fail);
    due[dueCount++] = { id, plan, outcome };
    if (dueCount === 1) queueMicrotask(answerDue);
  };

  const waitForSend = async (id: string, plan: FastPlan, sent: Promise<SignalEnvelope | ExecutionResult>) => {
    const token = ++sends;
    sending.set(id, token);
    try {
      const outcome = await sent;
      // Completed by the client meanwhile (an unacknowledged send): nothing is answered.
      if (sending.get(id) === token) together(() => answer(id, plan, outcome));
    } finally {
      if (sending.get(id) === token) sending.delete(id);
    }
  };

  const runSubscription = async (ctx: LaneSocketState, id: string, plan: FastPlan, args: ExecutionArgs) => {
    let stop: (() => Promise<void>) | undefined;
    let ended = false;
    const end = async () => {
      ended = true;
      await stop?.();
    };
    /**
     * Whether this stream still holds its id among graphql-ws's operations: until the lane takes
     * it out, or its return() runs (the client completed it, or the socket closed). Kept here
     * rather than looked up by id on every delivery.
     */
    let live = true;
    const unregister = () => {
      live = false;
      delete ctx.subscriptions[id];
    };
    // What graphql-ws's cleanup (socket closed) and `complete` see: a stream whose return() ends the session.
    const entry: AsyncIterableIterator<never> = {
      next: async () => ({ value: undefined, done: true }),
      return: async () => {
        live = false;
        await end();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => entry,
    };
    ctx.subscriptions[id] = entry;
    const next = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    const render = signalRenderer(plan);
    const opened = await openSignalSession(options.schema, plan, args, {
      next: (envelope) => {
        if (!live) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          // The client is not reading: end the stream rather than buffer without bound; it resumes with afterSeq and epoch.
          unregister();
          sendComplete(id);
          return void end();
        }
        send(`${next}${render(envelope)}}`);
      },
      end: (error) => {
        if (!live) return;
        unregister();
        if (error === undefined) return sendComplete(id);
        send(`{"id":${JSON.stringify(id)},"type":"error","payload":${JSON.stringify(options.format([asGraphQLError(error)]))}}`);
      },
    });
    if (typeof opened !== 'function') {
      if (!live) return;
      unregister();
      return together(() => {
        sendResult(id, opened);
        sendComplete(id);
      });
    }
    stop = opened;
    // Completed (or the socket closed, or it overflowed) while it was opening: end it now.
    if (ended || !live) await stop();
  };

  /** graphql-ws's handling of `complete`: forget the operation, and end it if it is a stream. */
  const complete = (ctx: LaneSocketState, id: string) => {
    const running = ctx.subscriptions[id];
    delete ctx.subscriptions[id];
    const end = (running as { return?: () => Promise<unknown> } | null | undefined)?.return;
    if (typeof end === 'function' && Symbol.asyncIterator in (running as object)) {
      end.call(running).catch(() => undefined);
    }
  };

  /** A `complete` for `id`: an answer due or a send in flight is dropped, else graphql-ws's handling. */
  const completed = (ctx: LaneSocketState, id: string) => {
    const at = isDue(id);
    if (at >= 0) dropDue(at);
    else if (!sending.delete(id)) complete(ctx, id);
    return true;
  };

  /**
   * Whether `id` is taken by one of the lane's sends, in which case the socket is closed as
   * graphql-ws closes it for an id in use (it cannot see the lane's sends in flight).
   */
  const refusedAsInUse = (id: string) => {
    if (!sending.has(id) && isDue(id) < 0) return false;
    socket.close(4409, `Subscriber for ${id} already exists`);
    return true;
  };
  /** Whether the lane runs `plan` named `name` here (else graphql-ws does, with the same outcome). */
  const admitted = (plan: FastPlan | null, name: unknown): plan is FastPlan =>
    !!plan && (name === undefined || name === null || name === plan.operation.name?.value) && options.admits();

  /**
   * A `sendSignal` read without parsing (src/http/plain-frames.ts), sent as the parsed frame
   * below would be: false when the frame is left to that path instead, which then reaches the
   * same outcome the slow way (an id graphql-ws holds, a query or variable it does not plan, a
   * kind graphql-js would refuse).
   */
  const sendRead = (ctx: LaneSocketState, data: Buffer, frame: SendFrame): boolean => {
    const { id, input } = frame;
    if (refusedAsInUse(id)) return true;
    if (id in ctx.subscriptions) return false;
    const plan = planOfLiteral(data, frame.queryStart, frame.queryEnd);
    if (!admitted(plan, frame.operationName) || plan.kind !== 'sendSignal' || plan.inputVariable !== frame.variable || !isSignalKind(input.kind)) return false;
    try {
      rememberPayloadJson(input.payload, frame.payloadJson);
      answerSend(id, plan, sendInput(plan, (senderContext ??= options.context()), input as SendSignalInput));
    } catch (error) {
      fail(error);
    }
    return true;
  };

  return (data: unknown): boolean => {
    if (!acknowledged) {
      const ctx = state();
      if (!ctx?.acknowledged) return false;
      acknowledged = ctx;
    }
    const ctx = acknowledged;
    // A binary frame is read as UTF-8 text, as graphql-ws reads it: its ids must meet the lane's
    // sends too (a binary `complete` cancels an answer, a binary `subscribe` may not reuse an id).
    if (!Buffer.isBuffer(data)) return false;
    const plainId = completeFrameId(data);
    if (plainId !== undefined) return completed(ctx, plainId);
    const read = readSendFrame(data);
    if (read && sendRead(ctx, data, read)) return true;
    let message: Message;
    try {
      message = JSON.parse(data.toString('utf8')) as Message;
    } catch {
      return false;
    }
    if (!isObject(message) || typeof message.id !== 'string' || message.id === '') return false;
    const id = message.id;
    if (message.type === 'complete') return completed(ctx, id);
    if (message.type !== 'subscribe') return false;
    if (refusedAsInUse(id)) return true;
    if (!isObject(message.payload) || id in ctx.subscriptions) return false;
    const payload = message.payload as SubscribePayload;
    if (typeof payload.query !== 'string' || !optionalObject(payload.variables) || !optionalObject(payload.extensions)) return false;
    if (payload.query !== lastQuery) {
      lastPlan = options.planOf(payload.query);
      lastQuery = payload.query;
    }
    const plan = lastPlan;
    if (!admitted(plan, payload.operationName)) return false;
    const args = { variableValues: (payload.variables ?? undefined) as Record<string, unknown> | undefined } as ExecutionArgs;
    if (plan.kind === 'sendSignal') {
      (args as { contextValue: unknown }).contextValue = senderContext ??= options.context();
      try {
        answerSend(id, plan, sendFast(options.schema, plan, args));
      } catch (error) {
        fail(error);
      }
    } else {
      (args as { contextValue: unknown }).contextValue = options.context();
      runSubscription(ctx, id, plan, args).catch(fail);
    }
    return true;
  };
}
