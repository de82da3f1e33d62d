import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { SignalKind } from '../signaling/signal.js';
import { CallObject } from './call.type.js';
import { IceTransportPolicy, SignalDeliveryKind } from './enums.js';

@InputType('SendSignalInput')
export class SendSignalInputObject {
  @Field(() => ID)
  callId!: string;

  @Field(() => ID, { nullable: true, description: 'The user id of the participant to send to; in a 1:1 call it defaults to the other one.' })
  toParticipantId?: string | null;

  @Field(() => SignalKind)
  kind!: SignalKind;

  @Field(() => String, { description: 'SDP or candidate JSON, as the kind requires (docs/SIGNALING.md section 3).' })
  payload!: string;
}

@ObjectType('SendSignalResult', { description: 'The signal is in the recipient\'s inbox.' })
export class SendSignalResult {
  @Field(() => Int, { description: 'Its place in the recipient\'s inbox for this call.' })
  seq!: number;

  @Field(() => ID)
  toParticipantId!: string;
}

@ObjectType('Signal', { description: 'A signaling message delivered to you, stamped by the server.' })
export class SignalObject {
  @Field(() => Int, { description: 'Its place in your inbox for this call: resume with afterSeq set to the last one you processed.' })
  seq!: number;

  @Field(() => String, {
    description: 'Which numbering of your inbox seq belongs to. It changes only when the server lost your inbox and numbered it from 1 again; resume with the epoch of the last signal you processed beside afterSeq.',
  })
  epoch!: string;

  @Field(() => ID)
  callId!: string;

  @Field(() => ID, { description: 'Who sent it, from their token. Empty for RESYNC.' })
  fromParticipantId!: string;

  @Field(() => SignalDeliveryKind)
  kind!: SignalDeliveryKind;

  @Field(() => String)
  payload!: string;

  @Field(() => Date, { description: 'When the server accepted it.' })
  sentAt!: Date;
}

@ObjectType('PeerRole', { description: 'Your negotiation role toward one other participant.' })
export class PeerRoleObject {
  @Field(() => ID)
  participantId!: string;

  @Field(() => Boolean, { description: 'True when you are the polite peer toward them (you roll back on glare).' })
  polite!: boolean;
}

@ObjectType('JoinCallResult')
export class JoinCallResult {
  @Field(() => CallObject)
  call!: CallObject;

  @Field(() => Boolean, { description: 'Whether you are the polite peer toward everyone else in the call. In a 1:1 call exactly one of the two is (the invitee); in a group call take your role toward each participant from peers.' })
  polite!: boolean;

  @Field(() => [PeerRoleObject])
  peers!: PeerRoleObject[];
}

@InputType('MediaStateInput')
export class MediaStateInputObject {
  @Field(() => ID)
  callId!: string;

  @Field(() => Boolean)
  audio!: boolean;

  @Field(() => Boolean)
  video!: boolean;

  @Field(() => Boolean)
  screen!: boolean;
}

@ObjectType('IceServer')
export class IceServerObject {
  @Field(() => [String])
  urls!: string[];

  @Field(() => String, { nullable: true })
  username!: string | null;

  @Field(() => String, { nullable: true })
  credential!: string | null;
}

@ObjectType('IceConfiguration', { description: 'What to pass to new RTCPeerConnection({ iceServers, iceTransportPolicy }).' })
export class IceConfigurationObject {
  @Field(() => [IceServerObject])
  iceServers!: IceServerObject[];

  @Field(() => IceTransportPolicy)
  iceTransportPolicy!: IceTransportPolicy;

  @Field(() => Date, { nullable: true, description: 'When the TURN credentials expire; ask again before.' })
  expiresAt!: Date | null;
}

@ObjectType('MediaState')
export class MediaStateObject {
  @Field(() => Boolean)
  audio!: boolean;

  @Field(() => Boolean)
  video!: boolean;

  @Field(() => Boolean)
  screen!: boolean;
}
