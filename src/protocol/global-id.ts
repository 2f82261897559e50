// GlobalID params as rails/globalid builds them: URL-safe, unpadded base64 of `gid://<app>/<Model>/<id>`.

/** `gid://<app>/<model>/<id>` as URL-safe, unpadded base64 (rails/globalid `to_param`). */
export function globalIdParam(app: string, model: string, id: string): string {
  return Buffer.from(`gid://${app}/${model}/${id}`, 'utf8').toString('base64url');
}
