// TeamChannelChannel: messages of one agent-team channel. Team channels have no account column, so the
// channel is looked up through its team's account in the query itself. Its stream carries whispers (typing) and a
// presence set of who has the channel open.

import { z } from 'zod';
import { defineEvent, eventMessage, stream } from '../../src/channel/index';
import type { AiAgent, AiTeamMessage, AiTeamRole, User } from '../../src/db/prisma';
import { ApplicationChannel } from '../application-channel';

/** `team_channel:{channel_id}`: messages, whispers (typing) and presence of one team channel. */
export const TeamChannelStream = stream('team_channel:{channel_id}', { description: 'Messages of one agent-team channel; members whisper (typing) and share presence on it.' });

/** `team_channel:<channel id>`. */
export function teamChannelStream(channelId: string): string {
  return TeamChannelStream.name({ channel_id: channelId });
}

/** A team message with the relations its broadcast shows. */
export type TeamMessageWithRelations = AiTeamMessage & {
  fromRole: (AiTeamRole & { agent: Pick<AiAgent, 'name'> | null }) | null;
  toRole: (AiTeamRole & { agent: Pick<AiAgent, 'name'> | null }) | null;
  user: Pick<User, 'id' | 'name' | 'email'> | null;
};

/** The Prisma `include` that loads what `teamMessageJson` needs. */
export const TEAM_MESSAGE_INCLUDE = {
  fromRole: { include: { agent: { select: { name: true } } } },
  toRole: { include: { agent: { select: { name: true } } } },
  user: { select: { id: true, name: true, email: true } },
} as const;

const roleJson = (r: TeamMessageWithRelations['fromRole']) => (r ? { id: r.id, role_name: r.roleName, agent_name: r.agent?.name ?? null } : null);

/** Ai::TeamMessage.serialize_for_broadcast (raw times: milliseconds). */
export function teamMessageJson(m: TeamMessageWithRelations): z.input<typeof TeamMessage> {
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

const Role = z.looseObject({ id: z.string(), role_name: z.string(), agent_name: z.string().nullable() }).nullable();
const TeamMessage = z.looseObject({
  id: z.string(), content: z.string(), message_type: z.string(), priority: z.string(), from_role: Role, to_role: Role,
  user: z.looseObject({ id: z.string(), name: z.string(), email: z.string() }).nullable(), requires_response: z.boolean(),
  responded_at: z.string().nullable(), sequence_number: z.number(), created_at: z.string(),
});

/**
 * `message_created {message, channel_id}` to `team_channel:<channel id>` (no timestamp, as the original). Rails
 * publishes it (Ai::TeamMessage), so it is schema-only: `broadcaster(TeamMessageCreated)` with `teamMessageJson(m)`.
 */
export const TeamMessageCreated = defineEvent({
  name: 'message_created', delivery: ['broadcast'], streams: [TeamChannelStream], summary: 'A message was posted to the team channel (no timestamp).',
  fields: { message: TeamMessage, channel_id: z.string() },
});
/** On subscribe. */
export const TeamChannelConfirmed = defineEvent({
  name: 'subscription.confirmed', delivery: ['transmit'], stamp: true, fields: { channel: z.literal('team_channel'), channel_id: z.string() },
});

const Params = z.looseObject({ channel_id: z.string().max(100) });

/** Live messages of an Ai::TeamChannel in the caller's account. */
export class TeamChannelChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'TeamChannelChannel';
  static override params = Params;
  static events = [TeamMessageCreated, TeamChannelConfirmed] as const;

  override async subscribed(): Promise<void> {
    const channel = this.found(
      await this.db.aiTeamChannel.findFirst({ where: { id: this.uuid(this.params.channel_id), team: { accountId: this.accountId } }, select: { id: true } }),
      'team channel',
    );
    // Members whisper typing and see who is in the channel (presence); both stay inside the caller's account.
    this.streamFrom(teamChannelStream(channel.id), { whisper: true, presence: true });
    this.transmit(eventMessage(TeamChannelConfirmed, { channel_id: channel.id, timestamp: this.now() }));
  }
}
