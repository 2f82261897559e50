// The action → permission table as the code declares it (each channel's `writePermissions` and
// `commandPermissions`), and as docs/channels.md's "Who may write" table lists it, so the two can be compared.

import { channels } from '../../channels';
import { requiredNames, type ApplicationChannel } from '../../channels/application-channel';
import type { ChannelClass } from '../../src/channel/index';

/** One write action: channel, action (`<action> <command>` for a dispatched command), permissions held all together. */
export interface WriteRule {
  channel: string;
  action: string;
  permissions: readonly string[];
}

/** `Channel#action` (the key tests and docs rows are matched by). */
export const ruleKey = (r: Pick<WriteRule, 'channel' | 'action'>): string => `${r.channel}#${r.action}`;

function rulesOf(cls: ChannelClass): WriteRule[] {
  const c = cls as unknown as typeof ApplicationChannel;
  const direct = Object.entries(c.writePermissions ?? {}).map(([action, r]) => ({ channel: cls.channel, action, permissions: requiredNames(r) }));
  const commands = Object.entries(c.commandPermissions ?? {}).flatMap(([action, table]) =>
    Object.entries(table).map(([command, r]) => ({ channel: cls.channel, action: `${action} ${command}`, permissions: requiredNames(r) })),
  );
  return [...direct, ...commands];
}

/** Every write action of the registered channels, in registry order. */
export function codeWriteRules(): WriteRule[] {
  return channels.flatMap(rulesOf);
}

/** The rows of the table under `heading` in `doc`: `| Channel | \`action\` | \`perm\` + \`perm\` | … |`. */
export function docWriteRules(doc: string, heading = '## Who may write'): WriteRule[] {
  const start = doc.indexOf(heading);
  if (start < 0) return [];
  const rest = doc.slice(start + heading.length);
  const end = rest.search(/^#{1,3} /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows: WriteRule[] = [];
  for (const m of section.matchAll(/^\| (\w+Channel) \| `([^`]+)` \| ([^|]+) \|/gm)) {
    const permissions = [...(m[3] ?? '').matchAll(/`([^`]+)`/g)].map((p) => p[1] as string);
    rows.push({ channel: m[1] as string, action: m[2] as string, permissions });
  }
  return rows;
}
