// TeamChannelChannel: channels scoped through their team's account; message_created publisher.

import { TEAM_MESSAGE_INCLUDE, TeamMessageCreated, teamMessageJson, type TeamMessageWithRelations } from '../../../channels/platform/team-channel-channel';
import { broadcaster, type EventTarget } from '../../../src/channel/index';
import { seedId } from '../../../src/db/seed';
import { expectSubscribed } from '../../support/channel-suite';
import { acme, globex, platformSuite } from './support';

/** What Rails' Ai::TeamMessage broadcast sends: `message_created` to the message's channel stream. */
const publishMessage = (b: EventTarget, m: TeamMessageWithRelations) =>
  broadcaster(TeamMessageCreated)(b, { channel_id: m.channelId }, { message: teamMessageJson(m), channel_id: m.channelId });

const channelId = seedId('acme:team-channel');
const params = { channel: 'TeamChannelChannel', channel_id: channelId };

const env = platformSuite();

describe('TeamChannelChannel', () => {
  it('accepts a channel of the own account\'s team and streams team_channel:<id>', async () => {
    await expectSubscribed(await env.connectUser(acme.viewer), params, [`team_channel:${channelId}`], [{ type: 'subscription.confirmed', channel: 'team_channel', channel_id: channelId, timestamp: expect.any(String) }]);
  });

  it('rejects another account\'s channel, a malformed or unknown id, missing params and a worker', async () => {
    const byId = (channelId: unknown) => ({ ...params, channel_id: channelId });
    await env.refusesUser(acme.owner, byId(seedId('globex:team-channel')), byId('abc'), byId('00000000-0000-4000-8000-000000000000'), { channel: 'TeamChannelChannel' });
    await env.refusesWorker(params);
    await env.refusesUser(globex.owner, params);
  });

  it('publishes message_created with roles, user and no timestamp', async () => {
    const c = await env.subscribedUser(acme.viewer, params);
    const m = await env.db.aiTeamMessage.findFirstOrThrow({ where: { channelId }, include: TEAM_MESSAGE_INCLUDE });
    await publishMessage(env.broadcaster, m);
    await c.idle();
    expect(c.last(params)).toEqual({
      type: 'message_created',
      message: {
        id: m.id, content: 'Please pick up the changelog.', message_type: m.messageType, priority: 'normal',
        from_role: { id: seedId('acme:team-role:lead'), role_name: 'lead', agent_name: 'Acme Assistant' },
        to_role: { id: seedId('acme:team-role:coder'), role_name: 'coder', agent_name: null },
        user: null, requires_response: true, responded_at: null, sequence_number: 1, created_at: m.createdAt.toISOString(),
      },
      channel_id: channelId,
    });
    const withUser = await env.db.aiTeamMessage.create({
      data: { channelId, userId: acme.owner, content: 'ok', sequenceNumber: 2 }, include: TEAM_MESSAGE_INCLUDE,
    });
    await publishMessage(env.broadcaster, withUser);
    await c.idle();
    expect(c.last(params)).toMatchObject({ message: { user: { id: acme.owner, name: 'Acme Owner', email: 'owner@acme.example' }, from_role: null } });
  });
});
