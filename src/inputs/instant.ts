import { registerDecorator, ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';

/**
 * Times from outside must say which instant they mean: an ISO 8601 date-time with `Z` or an
 * offset. Without one, `2026-03-01T10:00` would be read in whatever zone the server runs in.
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** The instant of an ISO 8601 date-time with an offset, or `null` when it is not one (or is before 2000 or after 2100). */
export function parseInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return null;
  const dt = DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid) return null;
  const ms = dt.toMillis();
  return ms >= EARLIEST && ms < LATEST ? new Date(ms) : null;
}

export function isLocalDate(value: unknown): value is string {
  return typeof value === 'string' && DATE_ONLY.test(value) && DateTime.fromISO(value).isValid;
}

/** An ISO 8601 date-time with `Z` or an offset, such as `2026-03-01T12:00:00Z`. */
export function IsInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => parseInstant(value) !== null,
        defaultMessage: (args) => `${args?.property} must be an ISO 8601 date-time with a time zone offset, such as 2026-03-01T12:00:00Z`,
      },
    });
}

/** A period's start: a date-time with an offset, or a local date `YYYY-MM-DD` (midnight in the workspace's time zone). */
export function IsPeriodStart(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPeriodStart',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => parseInstant(value) !== null || isLocalDate(value),
        defaultMessage: (args) =>
          `${args?.property} must be an ISO 8601 date-time with a time zone offset (2026-03-01T03:00:00Z) or a local date (2026-03-01)`,
      },
    });
}
