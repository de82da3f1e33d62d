import {
  getArgumentValues, getVariableValues, GraphQLError, Kind, locatedError,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type FieldNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import type { Context } from '../context.js';
import type { Sink } from '../pubsub/pubsub.js';
import type { ResumePoint, SendSignalInput } from '../services/signaling.service.js';
import { SignalKind, type SignalEnvelope } from '../signaling/signal.js';
import type { MaybePromise } from '../signaling/signal-log.js';

/**
 * The signaling hot path without a graphql-js execution per message. A document that is exactly
 * one `sendSignal` mutation or one `signals` subscription selecting only plain fields of their
 * results (aliases allowed, no fragments or directives) is answered here: its arguments are
 * coerced with graphql-js's own functions, the same service is called, and the result is shaped
 * as graphql-js would shape it. Every other document goes through graphql-js as usual. The
 * document has already been parsed and validated (src/http/ws.ts caches both).
 */
export interface FastPlan {
  kind: 'sendSignal' | 'signals';
  operation: OperationDefinitionNode;
  field: FieldNode;
  responseKey: string;
  /** [response key, field name] of each selected field. */
  select: [string, string][];
  /**
   * For `sendSignal(input: $name)` with `$name: SendSignalInput!` and no other variable: `$name`.
   * A value of the usual shape is then taken as it is, since graphql-js would coerce it to an
   * equal object; anything else still goes through graphql-js for its exact errors.
   */
  inputVariable?: string;
}

const fieldsOf = {
  sendSignal: new Set(['seq', 'toParticipantId', '__typename']),
  signals: new Set(['seq', 'epoch', 'callId', 'fromParticipantId', 'kind', 'payload', 'sentAt', '__typename']),
};

/** The plan for a document the fast path can answer, or null. */
export function planFor(document: DocumentNode): FastPlan | null {
  const [operation, ...others] = document.definitions;
  if (!operation || others.length > 0 || operation.kind !== Kind.OPERATION_DEFINITION || operation.directives?.length) return null;
  const [field, ...more] = operation.selectionSet.selections;
  if (!field || more.length > 0 || field.kind !== Kind.FIELD || field.directives?.length || !field.selectionSet) return null;
  const name = field.name.value;
  const kind = operation.operation === 'mutation' && name === 'sendSignal' ? 'sendSignal'
    : operation.operation === 'subscription' && name === 'signals' ? 'signals' : null;
  if (!kind) return null;
  const select: [string, string][] = [];
  for (const selection of field.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.directives?.length || selection.selectionSet || !fieldsOf[kind].has(selection.name.value)) {
      return null;
    }
    select.push([selection.alias?.value ?? selection.name.value, selection.name.value]);
  }
  return { kind, operation, field, responseKey: field.alias?.value ?? name, select, inputVariable: kind === 'sendSignal' ? inputVariableOf(operation, field) : undefined };
}

function inputVariableOf(operation: OperationDefinitionNode, field: FieldNode): string | undefined {
  const [definition, ...otherDefinitions] = operation.variableDefinitions ?? [];
  const [argument, ...otherArguments] = field.arguments ?? [];
  if (!definition || otherDefinitions.length > 0 || definition.defaultValue || !argument || otherArguments.length > 0) return undefined;
  const type = definition.type;
  const name = definition.variable.name.value;
  const plain = type.kind === Kind.NON_NULL_TYPE && type.type.kind === Kind.NAMED_TYPE && type.type.name.value === 'SendSignalInput';
  return plain && argument.name.value === 'input' && argument.value.kind === Kind.VARIABLE && argument.value.name.value === name ? name : undefined;
}

const SIGNAL_KINDS = new Set<string>(Object.values(SignalKind));
const INPUT_FIELDS = new Set(['callId', 'toParticipantId', 'kind', 'payload']);

/**
 * The `SendSignalInput` graphql-js would produce from `value`, when `value` is already exactly
 * that (string ids, a known kind, a string payload, no other fields), else undefined.
 */
function plainSendSignalInput(value: unknown): SendSignalInput | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const input = value as Record<string, unknown>;
  for (const key in input) if (!INPUT_FIELDS.has(key)) return undefined;
  const { callId, toParticipantId, kind, payload } = input;
  if (typeof callId !== 'string' || typeof payload !== 'string' || typeof kind !== 'string' || !SIGNAL_KINDS.has(kind)) return undefined;
  if (toParticipantId !== undefined && toParticipantId !== null && typeof toParticipantId !== 'string') return undefined;
  return input as unknown as SendSignalInput;
}

function shape(plan: FastPlan, values: Record<string, unknown>): ExecutionResult {
  const object: Record<string, unknown> = {};
  for (const [key, name] of plan.select) object[key] = values[name];
  return { data: { [plan.responseKey]: object } };
}

/** Coerces the field's arguments as graphql-js does, or returns the request errors it would. */
function argumentsOf(schema: GraphQLSchema, plan: FastPlan, args: ExecutionArgs): Record<string, unknown> | ExecutionResult {
  if (plan.inputVariable) {
    const input = plainSendSignalInput(args.variableValues?.[plan.inputVariable]);
    if (input) return { input };
  }
  const variables = getVariableValues(schema, plan.operation.variableDefinitions ?? [], args.variableValues ?? {});
  if (variables.errors) return { errors: variables.errors };
  const root = plan.kind === 'sendSignal' ? schema.getMutationType() : schema.getSubscriptionType();
  try {
    return getArgumentValues(root!.getFields()[plan.field.name.value]!, plan.field, variables.coerced);
  } catch (error) {
    return { errors: [error instanceof GraphQLError ? error : locatedError(error, plan.field, [plan.responseKey])] };
  }
}

const isResult = (value: Record<string, unknown> | ExecutionResult): value is ExecutionResult => 'errors' in value;

/**
 * Runs a `sendSignal` plan: the envelope as relayed, or the result graphql-js would give when it
 * failed (bad arguments, or what the service threw, located). At once when the service relayed
 * or refused the signal at once (the usual case: see `SignalingService.send`), else a promise.
 * Never throws. {@link sentResult} shapes an envelope.
 */
export function sendFast(schema: GraphQLSchema, plan: FastPlan, args: ExecutionArgs): MaybePromise<SignalEnvelope | ExecutionResult> {
  const values = argumentsOf(schema, plan, args);
  if (isResult(values)) return values;
  return sendInput(plan, args.contextValue as Context, values.input as SendSignalInput);
}

/** Whether `kind` is one of the `SignalKind` values, as graphql-js's coercion of the enum requires. */
export const isSignalKind = (kind: string): kind is SignalKind => SIGNAL_KINDS.has(kind);

/**
 * {@link sendFast} of a `sendSignal` plan for an input that is already what graphql-js's coercion
 * would give (string ids, a {@link isSignalKind} kind, a string payload: the signaling lane's
 * frames read without parsing, src/http/plain-frames.ts). Never throws.
 */
export function sendInput(plan: FastPlan, ctx: Context, input: SendSignalInput): MaybePromise<SignalEnvelope | ExecutionResult> {
  try {
    const sent = ctx.signaling.send(ctx, input);
    return sent instanceof Promise ? sent.catch((error: unknown) => refused(plan, error)) : sent;
  } catch (error) {
    return refused(plan, error);
  }
}

/** The result graphql-js would give for a `sendSignal` the service refused with `error`. */
const refused = (plan: FastPlan, error: unknown): ExecutionResult => ({ data: null, errors: [locatedError(error, [plan.field], [plan.responseKey])] });

/** The result graphql-js would give for a `sendSignal` plan that relayed `envelope`. */
export function sentResult(plan: FastPlan, envelope: SignalEnvelope): ExecutionResult {
  return shape(plan, { seq: envelope.seq, toParticipantId: envelope.to, __typename: 'SendSignalResult' });
}

const sentRenderers = new WeakMap<FastPlan, (e: SignalEnvelope) => string>();

/** The JSON of {@link sentResult}, written straight from the envelope (the signaling lane's answer to a send). */
export function renderSent(plan: FastPlan, envelope: SignalEnvelope): string {
  let render = sentRenderers.get(plan);
  if (!render) {
    const parts = plan.select.map(([key, name], i) => {
      const head = `${i > 0 ? ',' : ''}${JSON.stringify(key)}:`;
      if (name === 'seq') return (e: SignalEnvelope) => `${head}${e.seq}`;
      if (name === 'toParticipantId') return (e: SignalEnvelope) => `${head}${JSON.stringify(e.to)}`;
      return () => `${head}"SendSignalResult"`;
    });
    const head = `{"data":{${JSON.stringify(plan.responseKey)}:{`;
    render = (e) => {
      let json = head;
      for (const part of parts) json += part(e);
      return `${json}}}}`;
    };
    sentRenderers.set(plan, render);
  }
  return render(envelope);
}

export async function executeFast(schema: GraphQLSchema, plan: FastPlan, args: ExecutionArgs): Promise<ExecutionResult> {
  const outcome = await sendFast(schema, plan, args);
  return 'seq' in outcome ? sentResult(plan, outcome) : outcome;
}

/** "000" to "999": the milliseconds of an ISO time. */
const MILLISECONDS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'));
let isoSecond = Number.NaN;
let isoHead = '';
/**
 * `new Date(at).toISOString()` for epoch milliseconds `at`: the part up to the second is made
 * once a second, the rest put after it (a Date and its formatting per signal cost about a
 * microsecond).
 */
export function isoTime(at: number): string {
  const second = Math.floor(at / 1000);
  if (second !== isoSecond) {
    // Everything but the milliseconds and the Z, whatever the year's width.
    isoHead = new Date(second * 1000).toISOString().slice(0, -4);
    isoSecond = second;
  }
  return `${isoHead}${MILLISECONDS[at - second * 1000]}Z`;
}

/**
 * `JSON.stringify` of a string, remembered for the last one: the deliveries of one subscription
 * share their call id, and in a 1:1 call their sender and most of their kinds.
 */
function rememberedJson(): (text: string) => string {
  let last: string | undefined;
  let json = '';
  return (text) => (text === last ? json : (json = JSON.stringify((last = text))));
}

/** The payload a signaling lane last read from a frame, and its JSON as that frame held it. */
let readPayload: string | undefined;
let readPayloadJson = '';

/**
 * Notes the payload of the frame being handled and its JSON literal as the frame held it
 * (`SendFrame.payloadJson`), for {@link payloadJson}: over the in-process pub/sub the signal's
 * deliveries are written before the next frame is read, and for them the literal stands in for
 * `JSON.stringify` of the payload (4-5 µs for a 4 KiB SDP, whose line ends are escapes).
 */
export function rememberPayloadJson(payload: string, json: string): void {
  readPayload = payload;
  readPayloadJson = json;
}

/**
 * The JSON of a delivered payload: the literal {@link rememberPayloadJson} noted when the payload
 * is that same string (not one the relay-only filter rewrote, or read back from Redis or the
 * resume buffer with other text), else `JSON.stringify`. Either is JSON that parses to `payload`.
 */
const payloadJson = (payload: string): string => (payload === readPayload ? readPayloadJson : JSON.stringify(payload));

/** The JSON of each selectable `Signal` field, for {@link signalRenderer}; made once per subscription. */
function signalFieldJson(name: string): (e: SignalEnvelope) => string {
  switch (name) {
    case 'seq':
      return (e) => String(e.seq);
    case 'epoch': {
      // One numbering for the life of an inbox but for a loss: its JSON is made once.
      let last = Number.NaN;
      let json = '';
      return (e) => (e.epoch === last ? json : (json = `"${(last = e.epoch)}"`));
    }
    case 'payload':
      return (e) => payloadJson(e.payload);
    case 'sentAt':
      return (e) => `"${isoTime(e.at)}"`;
    case '__typename':
      return () => '"Signal"';
  }
  const json = rememberedJson();
  if (name === 'callId') return (e) => json(e.callId);
  if (name === 'fromParticipantId') return (e) => json(e.from);
  return (e) => json(e.kind);
}

/**
 * The renderer of one `signals` subscription: the JSON of the result graphql-js would give for
 * each signal it delivers, `{"data":{...}}`, written straight from the envelope (the signaling
 * lane sends it without building the result).
 */
export function signalRenderer(plan: FastPlan): (envelope: SignalEnvelope) => string {
  const parts = plan.select.map(([key, name], i) => [`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`, signalFieldJson(name)] as const);
  const head = `{"data":{${JSON.stringify(plan.responseKey)}:{`;
  return (e) => {
    let json = head;
    for (let i = 0; i < parts.length; i++) json += parts[i]![0] + parts[i]![1](e);
    return `${json}}}}`;
  };
}

/**
 * Runs `open` with the viewer's context and the coerced `callId`, `afterSeq` and `epoch` of a
 * `signals` plan, or returns the errors graphql-js would (bad arguments, or what `open` threw, located).
 */
async function withSignalsArguments<T>(
  schema: GraphQLSchema,
  plan: FastPlan,
  args: ExecutionArgs,
  open: (ctx: Context, callId: string, from: ResumePoint) => Promise<T>,
): Promise<T | ExecutionResult> {
  const values = argumentsOf(schema, plan, args);
  if (isResult(values)) return values;
  try {
    const from = { afterSeq: values.afterSeq as number, epoch: values.epoch as string | null | undefined };
    return await open(args.contextValue as Context, values.callId as string, from);
  } catch (error) {
    return { errors: [locatedError(error, [plan.field], [plan.responseKey])] };
  }
}

/**
 * Opens the viewer's inbox for a `signals` plan as a session pushing to `sink` (see
 * `SignalingService.openSession`) and resolves with the function that ends it, or with the
 * errors graphql-js would return.
 */
export function openSignalSession(
  schema: GraphQLSchema,
  plan: FastPlan,
  args: ExecutionArgs,
  sink: Sink<SignalEnvelope>,
): Promise<(() => Promise<void>) | ExecutionResult> {
  return withSignalsArguments(schema, plan, args, (ctx, callId, from) => ctx.signaling.openSession(ctx, callId, from, sink));
}

export async function subscribeFast(
  schema: GraphQLSchema,
  plan: FastPlan,
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const opened = await withSignalsArguments(schema, plan, args, (ctx, callId, from) => ctx.signaling.open(ctx, callId, from));
  if (!(Symbol.asyncIterator in opened)) return opened;
  const stream = opened;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const result = await stream.next();
      if (result.done) return { value: undefined, done: true };
      const e = result.value;
      return {
        value: shape(plan, {
          seq: e.seq, epoch: String(e.epoch), callId: e.callId, fromParticipantId: e.from, kind: e.kind, payload: e.payload,
          sentAt: new Date(e.at).toISOString(), __typename: 'Signal',
        }),
        done: false,
      };
    },
    async return() {
      await stream.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
