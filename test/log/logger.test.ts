import { createLogger, limitedChild, limitWarnings, redact, type Logger } from '../../src/log/logger';

describe('logger', () => {
  it('writes one JSON line per event and never writes tokens', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    log.info('connect from /cable?token=eyJhbGciOi.eyJzdWIiOiIx.sig123', { token: 'secret-token', authorization: 'Bearer abc', nested: { jwt: 'x' } });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(JSON.stringify(entry)).not.toMatch(/secret-token|eyJzdWIiOiIx|sig123|Bearer abc/);
    expect(entry.level).toBe('info');
  });

  it('drops lines below the level', () => {
    const lines: string[] = [];
    createLogger('warn', (l) => lines.push(l)).info('quiet');
    expect(lines).toHaveLength(0);
  });

  it('redacts bearer headers inside free text', () => {
    expect(redact('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [FILTERED]');
  });
});

describe('limitWarnings', () => {
  it('passes at most N warnings per window and reports the suppressed count', () => {
    const lines: string[] = [];
    const log = limitWarnings(createLogger('debug', (l) => lines.push(l)), 3, 60_000);
    for (let i = 0; i < 10; i += 1) log.warn('bad frame');
    log.info('still logged');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['bad frame', 'bad frame', 'bad frame', 'still logged']);
  });
});

describe('limitedChild', () => {
  it('makes the child on the first line it writes, not for lines below the level', () => {
    const lines: string[] = [];
    const base = createLogger('info', (l) => lines.push(l));
    const children: Logger[] = [];
    const parent: Logger = Object.assign(Object.create(base) as Logger, { child: (f: Record<string, unknown>) => (children.push(base.child(f)), children.at(-1) as Logger) });
    const log = limitedChild(parent, { conn: '7' });
    log.debug('not written');
    expect(children).toHaveLength(0);
    log.info('written');
    log.warn('also written');
    expect(children).toHaveLength(1);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; conn: string })).toEqual([
      expect.objectContaining({ msg: 'written', conn: '7' }),
      expect.objectContaining({ msg: 'also written', conn: '7' }),
    ]);
  });
});
