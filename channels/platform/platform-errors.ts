// Error-frame wording shared by the platform channels: a NotFoundError names the missing thing, invalid
// action data says which keys failed (paths only, never values), anything else stays generic (no internals).

import { NotFoundError, ParamsInvalidError } from '../../src/channel/index';

/** A client-safe message for an action failure. */
export function actionErrorMessage(err: unknown, notFound: string): string {
  if (err instanceof NotFoundError) return notFound;
  if (err instanceof ParamsInvalidError) return `Invalid parameters: ${err.issues.map((i) => i.path || '(root)').join(', ')}`;
  return 'Request failed';
}
