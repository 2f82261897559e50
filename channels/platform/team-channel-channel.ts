// TeamChannelChannel: messages of one agent-team channel. Team channels have no account column, so the
// channel is looked up through its team's account in the query itself. Its stream carries whispers (typing) and a
// presence set of who has the channel open.

import { z } from 'zod';
import type { AiAgent, AiTeamMessage, AiTeamRole, User } from '../../src/db/prisma';
import { ApplicationChannel } from '../application-channel';
import type { Broadcaster } from '../support/services';

/** `team_channel:<channel id>`. */
export function teamChannelStream(channelId: string): string {
  return `team_channel:${channelId}`;
}

/** A team message with the relations its broadcast shows. */
export type TeamMessageWithRelations = AiTeamMessage & {
  fromRole: (AiTeamRole & { agent: Pick<AiAgent, 'name'> | null }) | null;
  toRole: (AiTeamRole & { agent: Pick<AiAgent, 'name'> | null }) | null;
  user: Pick<User, 'id' | 'name' | 'email'> | null;
};

/** The Prisma `include` that loads what `publishTeamMessageCreated` needs. */
export const TEAM_MESSAGE_INCLUDE = {
  fromRole: { include: { agent: { select: { name: true } } } },
  toRole: { include: { agent: { select: { name: true } } } },
  user: { select: { id: true, name: true, email: true } },
} as const;

const roleJson = (r: TeamMessageWithRelations['fromRole']) => (r ? { id: r.id, role_name: r.roleName, agent_name: r.agent?.name ?? null } : null);

/** Ai::TeamMessage.serialize_for_broadcast (raw times: milliseconds). */
export function teamMessageJson(m: TeamMessageWithRelations): Record<string, unknown> {
  return {
    id: m.id,
    content: m.content,
    message_type: m.messageType,
    priority: m.priority,
    from_role: roleJson(m.fromRole),
    to_role: roleJson(m.toRole),
    user: m.user ? { id: m.user.id, name: m.user.name, email: m.user.email } : null,
    requires_response: m.requiresResponse,
    responded_at: m.respondedAt ? m.respondedAt.toISOString() : null,
    sequence_number: m.sequenceNumber,
    created_at: m.createdAt.toISOString(),
  };
}

/** `message_created {message, channel_id}` to `team_channel:<channel id>` (no timestamp, as the original). */
export function publishTeamMessageCreated(b: Broadcaster, m: TeamMessageWithRelations): Promise<void> {
  return b.broadcast(teamChannelStream(m.channelId), { type: 'message_created', message: teamMessageJson(m), channel_id: m.channelId });
}

const Params = z.looseObject({ channel_id: z.string().max(100) });

/** Live messages of an Ai::TeamChannel in the caller's account. */
export class TeamChannelChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'TeamChannelChannel';
  static override params = Params;

  override async subscribed(): Promise<void> {
    const channel = this.found(
      await this.db.aiTeamChannel.findFirst({ where: { id: this.uuid(this.params.channel_id), team: { accountId: this.accountId } }, select: { id: true } }),
      'team channel',
    );
    // Members whisper typing and see who is in the channel (presence); both stay inside the caller's account.
    this.streamFrom(teamChannelStream(channel.id), { whisper: true, presence: true });
    this.transmit({ type: 'subscription.confirmed', channel: 'team_channel', channel_id: channel.id, timestamp: this.now() });
  }
}
