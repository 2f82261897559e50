// One side of the comparison (the Rails peer or our server): where its cable and HTTP endpoints are, which token it
// accepts and which it refuses.

/** A server the sessions run against. */
export interface Target {
  name: 'rails' | 'ours';
  /** ws://host:port/cable */
  cableUrl: string;
  /** http://host:port */
  httpBase: string;
  validToken: string;
  /** A token the target refuses (`bad` for the peer, garbage for ours). */
  invalidToken: string;
  /** Redis channel of the benchmark stream, when the target runs on Redis. */
  redisBenchChannel?: string;
}

/** The HTTP base URL (scheme, host, port) of a WebSocket URL. */
export function httpBaseOf(wsUrl: string): string {
  const u = new URL(wsUrl);
  return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
}

/** The target's cable URL with `?token=` (none when `token` is null). */
export function urlWithToken(t: Target, token: string | null): string {
  return token === null ? t.cableUrl : `${t.cableUrl}?token=${encodeURIComponent(token)}`;
}

/** The Rails peer at `peerUrl`: it identifies any non-empty token but `bad`. */
export function railsTarget(peerUrl: string): Target {
  return { name: 'rails', cableUrl: peerUrl, httpBase: httpBaseOf(peerUrl), validToken: 'compare-rails', invalidToken: 'bad' };
}
