import { Migration20261123000000_spine } from './Migration20261123000000_spine.js';

/** Every migration, oldest first. A schema change is a new class appended here, never an edit of an old one. */
export const migrations = [Migration20261123000000_spine];
