import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../src/modules/auth/login-limiter.js';
import { REDACTED, redact } from '../../../src/platform/redact.js';
import { allows, exceeding, fullPermissions, noPermissions, parsePermissions } from '../../../src/platform/permissions.js';

describe('LoginLimiter', () => {
  it('allows the budget per window, then says how long to wait; windows are per address', () => {
    let now = 1_000_000;
    const l = new LoginLimiter(3, 60_000, () => now);
    expect([l.hit('a'), l.hit('a'), l.hit('a')]).toEqual([null, null, null]);
    expect(l.hit('a')).toBe(60);
    expect(l.hit('b')).toBeNull();
    now += 30_000;
    expect(l.hit('a')).toBe(30);
    now += 30_000;
    expect(l.hit('a')).toBeNull(); // new window
  });

  it('forgive gives back one attempt (a successful sign-in), never more', () => {
    const l = new LoginLimiter(2, 60_000, () => 0);
    l.hit('a');
    l.forgive('a');
    l.forgive('a');
    l.forgive('unknown');
    expect([l.hit('a'), l.hit('a'), l.hit('a')]).toEqual([null, null, 60]);
  });
});

describe('redact', () => {
  it('blanks secret-looking keys at any depth and leaves the rest', () => {
    const input = {
      name: 'x',
      password: 'p',
      nested: { apiKey: 'k', api_key: 'k2', clientSecret: 's', accessToken: 't', list: [{ credentials: { a: 1 } }, { ok: 1 }] },
      authorization: 'Bearer x',
      empty: { password: '' },
      none: { token: null },
    };
    const out = redact(input);
    expect(out).toEqual({
      name: 'x',
      password: REDACTED,
      nested: { apiKey: REDACTED, api_key: REDACTED, clientSecret: REDACTED, accessToken: REDACTED, list: [{ credentials: REDACTED }, { ok: 1 }] },
      authorization: REDACTED,
      empty: { password: '' },
      none: { token: null },
    });
    expect(input.password).toBe('p'); // a copy, not in place
  });
});

describe('permissions', () => {
  it('Edit implies View, Delete implies Edit; unknown stored values are None', () => {
    const p = parsePermissions(JSON.stringify({ Incidents: 'delete', Labels: 'edit', Analytics: 'owner', Bogus: 'edit' }));
    expect(allows(p, 'Incidents', 'edit')).toBe(true);
    expect(allows(p, 'Labels', 'view')).toBe(true);
    expect(allows(p, 'Labels', 'delete')).toBe(false);
    expect(p.Analytics).toBe('none');
    expect(Object.keys(p)).not.toContain('Bogus');
  });

  it('exceeding lists exactly the categories granted beyond what is held', () => {
    expect(exceeding(fullPermissions(), fullPermissions())).toEqual([]);
    expect(exceeding({ ...noPermissions(), Labels: 'view' }, { ...noPermissions(), Labels: 'edit', Incidents: 'view' })).toEqual(['Incidents', 'Labels']);
    expect(exceeding({ ...noPermissions(), Labels: 'edit' }, { ...noPermissions(), Labels: 'view' })).toEqual([]);
  });
});
