import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from './auth/viewer.js';
import { unauthenticated } from './errors.js';
import type { Loaders } from './services/loaders.js';
import type { RequestMeta } from './services/audit.service.js';
import type { LiveEventsService } from './services/live-events.service.js';
import type { QualityService } from './services/quality.service.js';
import type { SignalingService } from './services/signaling.service.js';

/** How the device id the server makes up for a socket that named none begins: with a colon, which no client's own id may have. */
export const GENERATED_DEVICE = 'socket:';

/** Whether `deviceId` was made up by the server for a socket that named no device: a reconnect gets another one. */
export const isGeneratedDeviceId = (deviceId: string | null): boolean => deviceId !== null && deviceId.startsWith(GENERATED_DEVICE);

/**
 * The device a call may be bound to from `deviceId`: none for a made-up one, which the same client
 * reconnecting would not have, and would then find its own call taken.
 */
export const bindableDeviceId = (deviceId: string | null): string | null => (isGeneratedDeviceId(deviceId) ? null : deviceId);

/**
 * Per-request state. HTTP requests get a fresh one each; a graphql-ws operation gets one per
 * subscribe message, so its entity manager and loaders never outlive the operation.
 */

export interface Context {
  /** A fork of the ORM's entity manager for this request alone. */
  em: EntityManager;
  /** The verified caller, or null when no token was sent. */
  viewer: Viewer | null;
  /**
   * The client device: the socket's `deviceId` connection parameter (made up per socket when
   * absent: {@link isGeneratedDeviceId}), or the `x-device-id` header over HTTP (null when absent).
   */
  deviceId: string | null;
  request: RequestMeta;
  loaders: Loaders;
  /** Opens subscription streams; here because type-graphql's subscribe hook has no resolver instance. */
  live: LiveEventsService;
  /** Opens signal inboxes, for the same reason. */
  signaling: SignalingService;
  /** Opens quality warning streams, for the same reason. */
  quality: QualityService;
}

/** What every context of one running service shares: its services, and how it makes an entity manager and loaders. */
export interface ContextServices extends Pick<Context, 'live' | 'signaling' | 'quality'> {
  /** A fresh fork of the ORM's entity manager. */
  fork(): EntityManager;
  loaders(em: EntityManager): Loaders;
}

/**
 * The {@link Context} of one request or operation; its entity manager and loaders are made on
 * first use (a signal sent over the socket needs neither). A class rather than an object
 * literal with getters: V8 keeps such a literal as a dictionary, and the signal path's reads of
 * `viewer`, `deviceId` and `signaling` were then megamorphic lookups; every instance of this
 * has one shape.
 */
export class RequestContext implements Context {
  readonly live: LiveEventsService;
  readonly signaling: SignalingService;
  readonly quality: QualityService;
  // Plain fields, not #private ones: Apollo Server runs each operation on a shallow clone of the
  // context (its own fields copied onto an object of the same prototype), which has no #fields.
  private forked: EntityManager | undefined = undefined;
  private made: Loaders | undefined = undefined;

  constructor(
    private readonly services: ContextServices,
    readonly viewer: Viewer | null,
    readonly deviceId: string | null,
    readonly request: RequestMeta,
  ) {
    this.live = services.live;
    this.signaling = services.signaling;
    this.quality = services.quality;
  }

  get em(): EntityManager {
    return (this.forked ??= this.services.fork());
  }

  get loaders(): Loaders {
    return (this.made ??= this.services.loaders(this.em));
  }
}

/** The viewer, or UNAUTHENTICATED when the request carried no token. */
export function requireViewer(ctx: Context): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}
