// Per-environment defaults that are not plain environment variables: the development JWT secret and the
// default origin allowlist (localhost and 127.0.0.1 on any port, as Rails' development default).

/** Built-in HS256 secret of the test environment (development generates its own, production requires JWT_SECRET_KEY). */
export const DEVELOPMENT_JWT_SECRET = 'powernode-cable-development-secret-change-me';

/** Origins allowed when ALLOWED_ORIGINS is unset; same-origin requests are always allowed. */
export const DEFAULT_ALLOWED_ORIGINS: readonly RegExp[] = [/^https?:\/\/localhost(:\d+)?$/, /^https?:\/\/127\.0\.0\.1(:\d+)?$/, /^https?:\/\/\[::1\](:\d+)?$/];
