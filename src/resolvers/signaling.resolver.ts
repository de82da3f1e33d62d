import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import type { Call } from '../entities/call.entity.js';
import { CallObject } from '../schema/call.type.js';
import type { SignalDeliveryKind } from '../schema/enums.js';
import {
  IceConfigurationObject, JoinCallResult, MediaStateInputObject, SendSignalInputObject, SendSignalResult, SignalObject,
} from '../schema/signaling.type.js';
import type { IceService } from '../services/ice.service.js';
import type { RoomService } from '../services/room.service.js';
import type { SignalingService } from '../services/signaling.service.js';
import type { SignalEnvelope } from '../signaling/signal.js';

const signalObject = (e: SignalEnvelope): SignalObject => ({
  seq: e.seq, epoch: String(e.epoch), callId: e.callId, fromParticipantId: e.from, kind: e.kind as SignalDeliveryKind, payload: e.payload, sentAt: new Date(e.at),
});

/**
 * Every delivered signal runs the `signals` field's resolver. type-graphql's wrapper makes that a
 * promise per delivery (argument handling); this one is synchronous and does the same mapping.
 */
export function useFastSignalsResolver(schema: GraphQLSchema): void {
  const field = schema.getSubscriptionType()?.getFields().signals;
  if (!field) throw new Error('the schema has no signals subscription');
  field.resolve = (envelope: SignalEnvelope) => signalObject(envelope);
}

type Data = SubscribeResolverData<unknown, { callId: string; afterSeq: number; epoch?: string | null }, Context>;

/** Signaling, rooms and ICE servers (docs/SIGNALING.md). */
@Resolver()
export class SignalingResolver {
  constructor(
    private readonly signaling: SignalingService,
    private readonly rooms: RoomService,
    private readonly ice: IceService,
  ) {}

  @Mutation(() => SendSignalResult, { description: 'Relay a signaling message to another participant. Send it over the graphql-ws socket.' })
  async sendSignal(@Ctx() ctx: Context, @Arg('input', () => SendSignalInputObject) input: SendSignalInputObject): Promise<SendSignalResult> {
    const envelope = await this.signaling.send(ctx, input);
    return { seq: envelope.seq, toParticipantId: envelope.to };
  }

  @Subscription(() => SignalObject, {
    description: 'Your signals for a call after afterSeq, then live; in order, each once. Holding it open is your presence in the call.',
    subscribe: ({ context, args }: Data) => context.signaling.open(context, args.callId, { afterSeq: args.afterSeq, epoch: args.epoch }),
  })
  signals(
    @Arg('callId', () => ID) _callId: string,
    @Arg('afterSeq', () => Int, { defaultValue: 0, description: 'The seq of the last signal you processed (0 for none).' }) _afterSeq: number,
    @Arg('epoch', () => String, {
      nullable: true,
      description: 'The epoch of the last signal you processed (leave it out for none). If your inbox was numbered again since, you get RESYNC and every signal kept, whatever afterSeq says.',
    }) _epoch: string | null | undefined,
    @Root() e: SignalEnvelope,
  ): SignalObject {
    return signalObject(e);
  }

  @Mutation(() => JoinCallResult, { description: 'Enter the media session of an ACTIVE call from this device; tells you whether you are the polite peer.' })
  joinCall(@Ctx() ctx: Context, @Arg('callId', () => ID) callId: string) {
    return this.rooms.join(ctx, callId);
  }

  @Mutation(() => CallObject, { description: 'Leave an ACTIVE call on purpose; it ends when fewer than two remain. Works from any of your devices.' })
  leaveCall(@Ctx() ctx: Context, @Arg('callId', () => ID) callId: string): Promise<Call> {
    return this.rooms.leave(ctx, callId);
  }

  @Mutation(() => CallObject, { description: 'Tell the others whether your microphone, camera and screen share are on.' })
  updateMediaState(@Ctx() ctx: Context, @Arg('input', () => MediaStateInputObject) input: MediaStateInputObject): Promise<Call> {
    return this.rooms.updateMediaState(ctx, input);
  }

  @Query(() => IceConfigurationObject, { description: 'STUN/TURN servers and short-lived TURN credentials for a RINGING or ACTIVE call you are in.' })
  async iceServers(@Ctx() ctx: Context, @Arg('callId', () => ID) callId: string) {
    return this.ice.forCall(ctx, callId);
  }
}
