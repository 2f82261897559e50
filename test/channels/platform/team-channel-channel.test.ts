// TeamChannelChannel: channels scoped through their team's account; message_created publisher.

import { publishTeamMessageCreated, TEAM_MESSAGE_INCLUDE } from '../../../channels/platform/team-channel-channel';
import { seedId } from '../../../src/db/seed';
import { demo, platformSuite } from './support';

const acme = demo('acme');
const globex = demo('globex');
const channelId = seedId('acme:team-channel');
const params = { channel: 'TeamChannelChannel', channel_id: channelId };

const env = platformSuite();

describe('TeamChannelChannel', () => {
  it('accepts a channel of the own account\'s team and streams team_channel:<id>', async () => {
    const c = await env.connectUser(acme.viewer);
    expect(await c.subscribe(params)).toBe('confirm_subscription');
    expect(c.streams(params)).toEqual([`team_channel:${channelId}`]);
    expect(c.received(params)).toEqual([{ type: 'subscription.confirmed', channel: 'team_channel', channel_id: channelId, timestamp: expect.any(String) }]);
  });

  it('rejects another account\'s channel, a malformed or unknown id, missing params and a worker', async () => {
    const c = await env.connectUser(acme.owner);
    expect(await c.subscribe({ channel: 'TeamChannelChannel', channel_id: seedId('globex:team-channel') })).toBe('reject_subscription');
    expect(await c.subscribe({ channel: 'TeamChannelChannel', channel_id: 'abc' })).toBe('reject_subscription');
    expect(await c.subscribe({ channel: 'TeamChannelChannel', channel_id: '00000000-0000-4000-8000-000000000000' })).toBe('reject_subscription');
    expect(await c.subscribe({ channel: 'TeamChannelChannel' })).toBe('reject_subscription');
    const w = await env.connectWorker(acme.worker, acme.account);
    expect(await w.subscribe(params)).toBe('reject_subscription');
    const g = await env.connectUser(globex.owner);
    expect(await g.subscribe(params)).toBe('reject_subscription');
  });

  it('publishes message_created with roles, user and no timestamp', async () => {
    const c = await env.connectUser(acme.viewer);
    await c.subscribe(params);
    const m = await env.db.aiTeamMessage.findFirstOrThrow({ where: { channelId }, include: TEAM_MESSAGE_INCLUDE });
    await publishTeamMessageCreated(env.broadcaster, m);
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
    await publishTeamMessageCreated(env.broadcaster, withUser);
    await c.idle();
    expect(c.last(params)).toMatchObject({ message: { user: { id: acme.owner, name: 'Acme Owner', email: 'owner@acme.example' }, from_role: null } });
  });
});
