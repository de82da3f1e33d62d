import {
  getArgumentValues, getVariableValues, GraphQLError, Kind, locatedError,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type FieldNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import type { Context } from '../context.js';
import type { SendSignalInput } from '../services/signaling.service.js';
import type { SignalEnvelope } from '../signaling/signal.js';

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
}

const fieldsOf = {
  sendSignal: new Set(['seq', 'toParticipantId', '__typename']),
  signals: new Set(['seq', 'callId', 'fromParticipantId', 'kind', 'payload', 'sentAt', '__typename']),
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
  return { kind, operation, field, responseKey: field.alias?.value ?? name, select };
}

function shape(plan: FastPlan, values: Record<string, unknown>): ExecutionResult {
  const object: Record<string, unknown> = {};
  for (const [key, name] of plan.select) object[key] = values[name];
  return { data: { [plan.responseKey]: object } };
}

/** Coerces the field's arguments as graphql-js does, or returns the request errors it would. */
function argumentsOf(schema: GraphQLSchema, plan: FastPlan, args: ExecutionArgs): Record<string, unknown> | ExecutionResult {
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

export async function executeFast(schema: GraphQLSchema, plan: FastPlan, args: ExecutionArgs): Promise<ExecutionResult> {
  const values = argumentsOf(schema, plan, args);
  if (isResult(values)) return values;
  const ctx = args.contextValue as Context;
  try {
    const envelope = await ctx.signaling.send(ctx, values.input as SendSignalInput);
    return shape(plan, { seq: envelope.seq, toParticipantId: envelope.to, __typename: 'SendSignalResult' });
  } catch (error) {
    return { data: null, errors: [locatedError(error, [plan.field], [plan.responseKey])] };
  }
}

export async function subscribeFast(
  schema: GraphQLSchema,
  plan: FastPlan,
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const values = argumentsOf(schema, plan, args);
  if (isResult(values)) return values;
  const ctx = args.contextValue as Context;
  let stream: AsyncIterableIterator<SignalEnvelope>;
  try {
    stream = await ctx.signaling.open(ctx, values.callId as string, values.afterSeq as number);
  } catch (error) {
    return { errors: [locatedError(error, [plan.field], [plan.responseKey])] };
  }
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const result = await stream.next();
      if (result.done) return { value: undefined, done: true };
      const e = result.value;
      return {
        value: shape(plan, {
          seq: e.seq, callId: e.callId, fromParticipantId: e.from, kind: e.kind, payload: e.payload,
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
