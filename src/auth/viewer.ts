import { Role } from '../entities/enums.js';

/** Who is asking: taken from a verified token, never from a request's payload. */
export interface Viewer {
  /** The platform's user id (the token's `sub`). */
  id: string;
  role: Role;
  /** Display name from the token, if it had one. */
  name: string | null;
  /** When the token stops being valid (epoch ms); a socket authenticated with it closes then. */
  expiresAt?: number;
}

export const isAdmin = (viewer: Viewer) => viewer.role === Role.ADMIN;
