// The signed/public streams settings: defaults (everything off), AnyCable's Turbo secret fallback, clear errors for
// short secrets, and the streams-only loader `npm run sign-stream` uses.

import { ConfigError, loadConfig, loadStreamsConfig } from '../../config';

const SECRET = 'a-streams-secret-0123456789';

describe('streams settings', () => {
  it('are all off by default', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).streams).toEqual({ secret: undefined, public: false, whisper: false, presence: false, turboSecret: undefined });
  });

  it('read CABLE_STREAMS_SECRET, CABLE_PUBLIC_STREAMS, CABLE_STREAMS_WHISPER and CABLE_STREAMS_PRESENCE', () => {
    const env = { NODE_ENV: 'test', CABLE_STREAMS_SECRET: SECRET, CABLE_PUBLIC_STREAMS: 'true', CABLE_STREAMS_WHISPER: '1', CABLE_STREAMS_PRESENCE: 'yes' };
    expect(loadConfig(env).streams).toEqual({ secret: SECRET, public: true, whisper: true, presence: true, turboSecret: SECRET });
  });

  it('verify Turbo names with CABLE_TURBO_STREAMS_SECRET, else with CABLE_STREAMS_SECRET (AnyCable GetTurboSecret)', () => {
    const turbo = 'a-turbo-verifier-key-0123456';
    expect(loadConfig({ NODE_ENV: 'test', CABLE_STREAMS_SECRET: SECRET, CABLE_TURBO_STREAMS_SECRET: turbo }).streams.turboSecret).toBe(turbo);
    expect(loadConfig({ NODE_ENV: 'test', CABLE_TURBO_STREAMS_SECRET: turbo }).streams).toMatchObject({ secret: undefined, turboSecret: turbo });
    expect(loadConfig({ NODE_ENV: 'test', CABLE_STREAMS_SECRET: SECRET }).streams.turboSecret).toBe(SECRET);
  });

  it('refuse short secrets and bad booleans, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'test', CABLE_STREAMS_SECRET: 'short', CABLE_TURBO_STREAMS_SECRET: 'tiny', CABLE_PUBLIC_STREAMS: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.variable).sort()).toEqual(['CABLE_PUBLIC_STREAMS', 'CABLE_STREAMS_SECRET', 'CABLE_TURBO_STREAMS_SECRET']);
    expect(issues.find((i) => i.variable === 'CABLE_STREAMS_SECRET')?.message).toMatch(/at least 16 characters/);
  });

  it('load alone (for npm run sign-stream) without the settings a server needs in production', () => {
    expect(loadStreamsConfig({ NODE_ENV: 'production', CABLE_STREAMS_SECRET: SECRET })).toMatchObject({ secret: SECRET, turboSecret: SECRET });
    expect(() => loadStreamsConfig({ CABLE_STREAMS_SECRET: 'short' })).toThrow(/CABLE_STREAMS_SECRET: must be at least 16 characters/);
  });
});
