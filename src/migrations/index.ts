import { Migration20261123000000_spine } from './Migration20261123000000_spine.js';
import { Migration20261123010000_presence } from './Migration20261123010000_presence.js';
import { Migration20261123020000_participant_position } from './Migration20261123020000_participant_position.js';
import { Migration20261124000000_presence_session_index } from './Migration20261124000000_presence_session_index.js';
import { Migration20261124010000_recordings } from './Migration20261124010000_recordings.js';
import { Migration20261124020000_quality_stats } from './Migration20261124020000_quality_stats.js';
import { Migration20261124030000_audit_append } from './Migration20261124030000_audit_append.js';
import { Migration20261125000000_stats_monthly } from './Migration20261125000000_stats_monthly.js';
import { Migration20261125010000_audit_append_index } from './Migration20261125010000_audit_append_index.js';
import { Migration20261125020000_presence_closed_index } from './Migration20261125020000_presence_closed_index.js';

/** Every migration, oldest first. A schema change is a new class appended here, never an edit of an old one. */
export const migrations = [
  Migration20261123000000_spine,
  Migration20261123010000_presence,
  Migration20261123020000_participant_position,
  Migration20261124000000_presence_session_index,
  Migration20261124010000_recordings,
  Migration20261124020000_quality_stats,
  Migration20261124030000_audit_append,
  Migration20261125000000_stats_monthly,
  Migration20261125010000_audit_append_index,
  Migration20261125020000_presence_closed_index,
];
