import jwt from 'jsonwebtoken';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '../../config';
import { Authenticator } from '../../src/auth/authenticator';
import { signToken, tokenDigest } from '../../src/auth/jwt';
import { FakeIdentityStore } from '../support/fake-store';

const config = loadConfig({ NODE_ENV: 'test' });
let store: FakeIdentityStore;
let auth: Authenticator;
beforeEach(() => {
  store = new FakeIdentityStore();
  store.addUser({ id: 'u1', accountId: 'a1', permissions: ['analytics.view'], roles: ['member'] });
  store.addWorker({ id: 'w1', accountId: 'a1' });
  auth = new Authenticator(store, config.jwt, 'server');
});
const sign = (o: Partial<Parameters<typeof signToken>[1]> = {}) => signToken(config.jwt, { type: 'access', sub: 'u1', expiresInSeconds: 60, ...o });
const reason = async (token: string | undefined) => auth.authenticate({ token }).then(() => 'accepted', (e: { reason: string }) => e.reason);

describe('Authenticator', () => {
  it('accepts an access token of an active user in an active account, with permissions loaded', async () => {
    const id = await auth.authenticate({ token: sign() });
    expect(id).toMatchObject({ kind: 'user', userId: 'u1', accountId: 'a1' });
    expect(id.permissions.has('analytics.view')).toBe(true);
    expect(id.connectionIdentifier).toBe(Buffer.from('gid://server/User/u1').toString('base64url'));
  });

  it('accepts a worker-minted token (HS256, type=worker, no jti, 5-minute expiry)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = jwt.sign({ type: 'worker', sub: 'w1', iat: now, exp: now + 300, iss: 'powernode-platform', aud: 'powernode-api' }, config.jwt.secret, { algorithm: 'HS256' });
    expect(await auth.authenticate({ token })).toMatchObject({ kind: 'worker', workerId: 'w1' });
  });

  it('rejects missing, expired, wrongly signed, wrong issuer/audience and wrong-type tokens', async () => {
    expect(await reason(undefined)).toBe('missing');
    expect(await reason(sign({ expiresInSeconds: -10 }))).toBe('expired');
    expect(await reason(jwt.sign({ type: 'access', sub: 'u1' }, 'another-secret-that-is-long', { expiresIn: 60, issuer: 'powernode-platform', audience: 'powernode-api' }))).toBe('bad_signature');
    expect(await reason(jwt.sign({ type: 'access', sub: 'u1' }, config.jwt.secret, { expiresIn: 60, issuer: 'other', audience: 'powernode-api' }))).toBe('wrong_issuer');
    expect(await reason(jwt.sign({ type: 'access', sub: 'u1' }, config.jwt.secret, { expiresIn: 60, issuer: 'powernode-platform', audience: 'other' }))).toBe('wrong_audience');
    for (const type of ['refresh', 'impersonation', 'api_key', '2fa'] as const) expect(await reason(sign({ type }))).toBe('wrong_type');
    expect(await reason(jwt.sign({ type: 'access', sub: 'u1' }, config.jwt.secret, { algorithm: 'HS512', expiresIn: 60, issuer: 'powernode-platform', audience: 'powernode-api' }))).toBe('bad_signature');
  });

  it('refuses a token issued in the future beyond JWT_IAT_LEEWAY_SECONDS, and a non-numeric iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    const withIat = (iat: unknown) => jwt.sign({ type: 'access', sub: 'u1', iat, exp: now + 600, iss: 'powernode-platform', aud: 'powernode-api' }, config.jwt.secret, { algorithm: 'HS256' });
    expect(config.jwt.iatLeewaySeconds).toBe(30);
    expect(await reason(withIat(now + 120))).toBe('issued_in_future');
    expect(await reason(withIat(now + 20))).toBe('accepted');
    // jsonwebtoken will not sign a non-numeric iat: build that token by hand.
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ type: 'access', sub: 'u1', iat: 'yesterday', exp: now + 600, iss: 'powernode-platform', aud: 'powernode-api' })}`;
    const mac = createHmac('sha256', config.jwt.secret).update(unsigned).digest('base64url');
    expect(await reason(`${unsigned}.${mac}`)).toBe('malformed');
    const strict = new Authenticator(store, loadConfig({ NODE_ENV: 'test', JWT_IAT_LEEWAY_SECONDS: '0' }).jwt, 'server');
    expect(await strict.authenticate({ token: withIat(now + 5) }).then(() => 'accepted', (e: { reason: string }) => e.reason)).toBe('issued_in_future');
  });

  it('rejects a revoked jti, a user-wide revocation, and fails closed (retryably) when the blacklist cannot be read', async () => {
    store.revokedJtis.add('j1');
    expect(await reason(sign({ jti: 'j1' }))).toBe('revoked');
    store.userRevocations.set('u1', new Date(Date.now() + 1000));
    expect(await reason(sign())).toBe('revoked');
    store.userRevocations.clear();
    store.failing = true;
    await expect(auth.authenticate({ token: sign({ jti: 'j2' }) })).rejects.toMatchObject({ code: 'CABLE_AUTH_UNAVAILABLE' });
  });

  it('rejects inactive users, inactive accounts, unknown users, and inactive or revoked workers', async () => {
    store.addUser({ id: 'u2', status: 'inactive' });
    store.addUser({ id: 'u3', accountStatus: 'suspended' });
    store.addWorker({ id: 'w2', status: 'revoked' });
    expect(await reason(sign({ sub: 'u2' }))).toBe('inactive');
    expect(await reason(sign({ sub: 'u3' }))).toBe('inactive');
    expect(await reason(sign({ sub: 'nobody' }))).toBe('not_found');
    expect(await reason(signToken(config.jwt, { type: 'worker', sub: 'w2', expiresInSeconds: 60 }))).toBe('inactive');
  });

  it('accepts legacy opaque tokens only when live, not refresh tokens, and the account is active', async () => {
    const live = { userId: 'u1', tokenType: 'access', expiresAt: new Date(Date.now() + 60000), revokedAt: null };
    store.legacy.set(tokenDigest('opaque-live'), live);
    store.legacy.set(tokenDigest('opaque-revoked'), { ...live, revokedAt: new Date() });
    store.legacy.set(tokenDigest('opaque-expired'), { ...live, expiresAt: new Date(Date.now() - 1000) });
    store.legacy.set(tokenDigest('opaque-refresh'), { ...live, tokenType: 'refresh' });
    expect(await reason('opaque-live')).toBe('accepted');
    expect(await reason('opaque-revoked')).toBe('revoked');
    expect(await reason('opaque-expired')).toBe('expired');
    expect(await reason('opaque-refresh')).toBe('wrong_type');
    expect(await reason('opaque-unknown')).toBe('not_found');
    store.addUser({ id: 'u1', accountId: 'a1', accountStatus: 'suspended' });
    expect(await reason('opaque-live')).toBe('inactive');
  });

  it('verifies RS256 tokens with JWT_PUBLIC_KEY', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rs = loadConfig({ JWT_ALGORITHM: 'RS256', JWT_PUBLIC_KEY: pub, JWT_PRIVATE_KEY: priv });
    const rsAuth = new Authenticator(store, rs.jwt, 'server');
    expect(await rsAuth.authenticate({ token: signToken(rs.jwt, { type: 'access', sub: 'u1', expiresInSeconds: 60 }) })).toMatchObject({ userId: 'u1' });
    await expect(rsAuth.authenticate({ token: sign() })).rejects.toMatchObject({ reason: 'bad_signature' });
  });
});
