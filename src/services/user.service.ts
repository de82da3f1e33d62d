import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import { requireViewer, type Context } from '../context.js';

/** How long a synced viewer is trusted before its row is refreshed again (role, name, last seen). */
const SYNC_TTL_MS = 5 * 60_000;

/**
 * Keeps `users` in step with token claims. A user's row is written when they act (not on every
 * request): at most once per {@link SYNC_TTL_MS} per process unless their role or name changed.
 */
export class UserService {
  private readonly synced = new Map<string, { key: string; at: number }>();

  /** The viewer as their token describes them; records that they were seen. */
  async me(ctx: Context): Promise<Viewer> {
    const viewer = requireViewer(ctx);
    await this.sync(ctx.em, viewer);
    return viewer;
  }

  /** Inserts or refreshes the viewer's row from their verified claims. */
  async sync(em: EntityManager, viewer: Viewer): Promise<void> {
    const key = `${viewer.role}|${viewer.name ?? ''}`;
    const seen = this.synced.get(viewer.id);
    if (seen && seen.key === key && Date.now() - seen.at < SYNC_TTL_MS) return;
    await em.execute(
      `INSERT INTO users (id, role, name, created_at, last_seen_at) VALUES (?, ?, ?, now(), now())
       ON CONFLICT (id) DO UPDATE SET role = excluded.role, name = excluded.name, last_seen_at = excluded.last_seen_at`,
      [viewer.id, viewer.role, viewer.name],
    );
    if (this.synced.size > 100_000) this.synced.clear();
    this.synced.set(viewer.id, { key, at: Date.now() });
  }

  /** Makes sure a row exists for each id (invitees who have not signed in yet), leaving existing rows alone. */
  async ensureExist(em: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await em.execute(
      `INSERT INTO users (id, created_at) SELECT unnest(ARRAY[?]::varchar[]), now() ON CONFLICT (id) DO NOTHING`,
      [ids],
    );
  }

  /** The roles of the given users; unknown ids and users who never signed in map to null. */
  async roles(em: EntityManager, ids: string[]): Promise<Map<string, string | null>> {
    const rows = await em.execute<{ id: string; role: string | null }[]>(
      'SELECT id, role FROM users WHERE id IN (?)',
      [ids],
    );
    const roles = new Map<string, string | null>(ids.map((id) => [id, null]));
    for (const row of rows) roles.set(row.id, row.role);
    return roles;
  }
}
