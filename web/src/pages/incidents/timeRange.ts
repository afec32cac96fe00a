/**
 * Time range presets of the Incidents page (PRODUCT.md §4). Every boundary is computed in the
 * viewer's own time zone (a "day" or "week" is the viewer's, not UTC's) and sent as ISO-8601 UTC.
 */
export const RANGE_PRESETS = [
  { value: 'currentHour', label: 'Current Hour' },
  { value: 'lastHour', label: 'Last Hour' },
  { value: 'last2Hours', label: 'Last 2 Hours' },
  { value: 'last6Hours', label: 'Last 6 Hours' },
  { value: 'last12Hours', label: 'Last 12 Hours' },
  { value: 'currentDay', label: 'Current Day' },
  { value: 'lastDay', label: 'Last Day' },
  { value: 'currentWeek', label: 'Current Week' },
  { value: 'lastWeek', label: 'Last Week' },
  { value: 'currentMonth', label: 'Current Month' },
  { value: 'lastMonth', label: 'Last Month' },
  { value: 'custom', label: 'Custom Date Range' },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];
export const DEFAULT_RANGE: RangePreset = 'currentWeek';

export function isPreset(v: string | null): v is RangePreset {
  return RANGE_PRESETS.some((p) => p.value === v);
}

const HOUR = 3600_000;

function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}
function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n, d.getHours(), d.getMinutes());
}

/** [from, to) of a preset at `now`. Weeks run Sunday to Saturday; "Last N Hours" are rolling windows. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, now = new Date()): { from: Date; to: Date } {
  switch (preset) {
    case 'currentHour': {
      const from = new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours());
      return { from, to: new Date(from.getTime() + HOUR) };
    }
    case 'lastHour':
      return { from: new Date(now.getTime() - HOUR), to: now };
    case 'last2Hours':
      return { from: new Date(now.getTime() - 2 * HOUR), to: now };
    case 'last6Hours':
      return { from: new Date(now.getTime() - 6 * HOUR), to: now };
    case 'last12Hours':
      return { from: new Date(now.getTime() - 12 * HOUR), to: now };
    case 'currentDay': {
      const from = startOfDay(now);
      return { from, to: addDays(from, 1) };
    }
    case 'lastDay': {
      const to = startOfDay(now);
      return { from: addDays(to, -1), to };
    }
    case 'currentWeek': {
      const from = addDays(startOfDay(now), -now.getDay());
      return { from, to: addDays(from, 7) };
    }
    case 'lastWeek': {
      const to = addDays(startOfDay(now), -now.getDay());
      return { from: addDays(to, -7), to };
    }
    case 'currentMonth': {
      const from = new Date(now.getFullYear(), now.getMonth(), 1);
      return { from, to: new Date(now.getFullYear(), now.getMonth() + 1, 1) };
    }
    case 'lastMonth': {
      const to = new Date(now.getFullYear(), now.getMonth(), 1);
      return { from: new Date(now.getFullYear(), now.getMonth() - 1, 1), to };
    }
  }
}

/** `<input type="datetime-local">` value (local wall time) ↔ Date. */
export function toLocalInput(d: Date | null): string {
  if (!d || Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fromLocalInput(v: string): Date | null {
  if (!v) return null;
  const d = new Date(v); // no offset → parsed as local time
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The documented limits of a Custom Date Range: incidents at most 6 months old, a window of at most 3 months. */
export function customRangeProblem(from: Date | null, to: Date | null, now = new Date()): string | null {
  if (!from) return 'Choose a start date and time.';
  if (!to) return 'Choose an end date and time.';
  if (from >= to) return 'The start must be before the end.';
  const sixMonthsAgo = new Date(now.getFullYear(), now.getMonth() - 6, now.getDate(), now.getHours(), now.getMinutes());
  if (from < sixMonthsAgo) return 'The start can be at most 6 months ago.';
  const threeMonthsLater = new Date(from.getFullYear(), from.getMonth() + 3, from.getDate(), from.getHours(), from.getMinutes());
  if (to > threeMonthsLater) return 'A custom range can span at most 3 months.';
  return null;
}

const short = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/**
 * A [from, to) range as people read one: both ends included, so "Current Week" ends on Saturday
 * 11:59 PM rather than on the next Sunday's midnight, which is not part of it.
 */
export function describeRange(from: Date, to: Date): string {
  const lastIncluded = new Date(Math.max(from.getTime(), to.getTime() - 60_000));
  return `${short.format(from)} – ${short.format(lastIncluded)}`;
}

/** The viewer's time zone name, shown next to the range so nobody has to guess. */
export const VIEWER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
