import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../../web/src/components/common';
import { describeRange, presetRange } from '../../../web/src/pages/incidents/timeRange';

describe('times as the viewer reads them', () => {
  it('every formatted time names its time zone', () => {
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
      .formatToParts(new Date('2026-12-02T14:00:00Z'))
      .find((p) => p.type === 'timeZoneName')!.value;
    expect(formatDateTime('2026-12-02T14:00:00.000Z').endsWith(zone)).toBe(true);
    expect(formatDateTime(null)).toBe('—');
  });

  it('a range caption shows its last included minute: Current Week ends on Saturday, not on the next Sunday', () => {
    const wednesday = new Date(2026, 11, 2, 15, 30);
    const { from, to } = presetRange('currentWeek', wednesday);
    expect(to.getDay()).toBe(0); // exclusive end: the next Sunday's midnight
    const short = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    expect(describeRange(from, to)).toBe(`${short.format(from)} – ${short.format(new Date(2026, 11, 5, 23, 59))}`);
  });
});
