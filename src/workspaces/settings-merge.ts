import { defaultWorkspaceSettings, WorkspaceSettings } from './schemas/workspace.schema';

/**
 * `PATCH /workspaces/current` is a JSON Merge Patch (RFC 7396) with one difference: `null` resets
 * a field to its default instead of deleting it (a deleted SLA target would leave every report
 * without one). The few lines are written here rather than taken from `json-merge-patch` because
 * the library can only delete on `null`, and the same walk has to yield the database update (one
 * `$set` per field the patch names, so two admins changing different fields do not undo each
 * other) and keep an unknown field visible to validation even when its value is `null`.
 */

type Json = Record<string, unknown>;

/** Objects whose keys are data, not a fixed shape: a day absent from the schedule has no working time. */
const MAPS = new Set(['settings.businessHours.schedule']);

/** Keys that would reach an object's prototype when assigned. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

/**
 * The settings as the application reads them: every field present. A block or field that is
 * missing or `null` (the old PATCH stored `null` blocks) takes its default; `filled` names them,
 * except fields whose default is `null` anyway.
 */
export function withDefaults(stored: unknown): { settings: WorkspaceSettings; filled: string[] } {
  const filled: string[] = [];
  const settings = fill(stored, defaultWorkspaceSettings(), 'settings', filled) as WorkspaceSettings;
  return { settings, filled };
}

function fill(value: unknown, def: unknown, path: string, filled: string[]): unknown {
  if (value === undefined || value === null) {
    if (def !== null) filled.push(path);
    return clone(def);
  }
  if (Array.isArray(def)) return Array.isArray(value) ? value : (filled.push(path), clone(def));
  if (!isRecord(def)) return value;
  if (!isRecord(value)) return (filled.push(path), clone(def));
  if (MAPS.has(path)) {
    // The old PATCH stored the days it was not sent as null: a day without working time.
    const days = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    if (days.length < Object.keys(value).length) filled.push(path);
    return Object.fromEntries(days);
  }
  const out: Json = {};
  for (const key of Object.keys(def)) out[key] = fill(value[key], def[key], join(path, key), filled);
  return out;
}

export interface WorkspaceState {
  name: string;
  timezone: string;
  currency: string;
  settings: WorkspaceSettings;
}

const stateDefaults = (): Json => ({ settings: defaultWorkspaceSettings() });

/**
 * Applies `patch` to `target`: an absent field is unchanged, an object is merged at every depth,
 * anything else (arrays included) replaces, and `null` takes the default at that path. A `null`
 * for a field that has no default stays `null` here, so that validation can refuse it (an
 * unknown field, a required name) or `dropUnsetFields` can remove it (a schedule day).
 */
export function mergePatch(target: unknown, patch: unknown, defaults: unknown = stateDefaults(), path = ''): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Json = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (UNSAFE_KEYS.has(key)) throw new UnsafeKeyError(join(path, key));
    const def = isRecord(defaults) ? defaults[key] : undefined;
    if (value === null) out[key] = isRecord(defaults) && Object.hasOwn(defaults, key) ? clone(def) : null;
    else out[key] = mergePatch(out[key], value, def, join(path, key));
  }
  return out;
}

export class UnsafeKeyError extends Error {
  constructor(readonly path: string) {
    super(`${path} should not exist`);
  }
}

/** Removes the `null`s that `mergePatch` left for fields without a default (a schedule day set to `null` is a day off). */
export function dropUnsetFields(value: unknown, defaults: unknown = stateDefaults()): unknown {
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const hasDefault = isRecord(defaults) && Object.hasOwn(defaults, key);
    if (child === null && !hasDefault) continue;
    out[key] = dropUnsetFields(child, hasDefault ? defaults[key] : undefined);
  }
  return out;
}

/**
 * The update that stores `merged`: a `$set` for each field the patch names (the whole value where
 * the stored one is not an object to merge into), an `$unset` for each it removed.
 */
export function patchUpdate(patch: Json, stored: Json, merged: Json, path = ''): { $set: Json; $unset: Record<string, ''> } {
  const update = { $set: {} as Json, $unset: {} as Record<string, ''> };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const here = join(path, key);
    if (isRecord(value) && isRecord(stored[key]) && isRecord(merged[key])) {
      const inner = patchUpdate(value, stored[key], merged[key], here);
      Object.assign(update.$set, inner.$set);
      Object.assign(update.$unset, inner.$unset);
    } else if (Object.hasOwn(merged, key)) {
      update.$set[here] = merged[key];
    } else if (Object.hasOwn(stored, key)) {
      update.$unset[here] = '';
    }
  }
  return update;
}
