// TeamChannelChannel's whispers and presence: typing whispers reach the other members of the channel and not the
// sender, and presence records carry the server's identity (id and name) whatever the client claims.

import { seedId } from '../../../src/db/seed';
import { demo, platformSuite } from './support';

const acme = demo('acme');
const channelId = seedId('acme:team-channel');
const params = { channel: 'TeamChannelChannel', channel_id: channelId };
const identifier = JSON.stringify(params);

const env = platformSuite();

describe('TeamChannelChannel whispers and presence', () => {
  it('delivers a typing whisper to the other members only', async () => {
    const owner = await env.connectUser(acme.owner);
    const viewer = await env.connectUser(acme.viewer);
    await owner.subscribe(params);
    await viewer.subscribe(params);
    await owner.send({ command: 'whisper', identifier, data: { event: 'typing', typing: true } });
    await viewer.idle();
    expect(viewer.last(params)).toEqual({ event: 'typing', typing: true });
    expect(owner.received(params).filter((m) => (m as { event?: string }).event === 'typing')).toEqual([]);
  });

  it('records presence under the connected user with the name the server knows', async () => {
    const owner = await env.connectUser(acme.owner);
    const viewer = await env.connectUser(acme.viewer);
    await owner.subscribe(params);
    await viewer.subscribe(params);
    await owner.send({ command: 'join', identifier, presence: { id: acme.viewer, info: { name: 'Not Me', status: 'reviewing' } } });
    await viewer.send({ command: 'presence', identifier });
    const reply = viewer.transport.messages.filter((m) => m.type === 'presence').at(-1);
    expect(reply).toEqual({
      type: 'presence',
      identifier,
      message: { type: 'info', total: 1, records: [{ id: acme.owner, info: { status: 'reviewing', kind: 'user', name: 'Acme Owner' } }] },
    });
    await owner.send({ command: 'leave', identifier });
    await viewer.send({ command: 'presence', identifier });
    expect(viewer.transport.messages.filter((m) => m.type === 'presence').at(-1)).toEqual({ type: 'presence', identifier, message: { type: 'info', total: 0 } });
  });
});
