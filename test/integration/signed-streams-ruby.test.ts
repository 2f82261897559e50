// Signed stream names are Rails' own: names Ruby's ActiveSupport::MessageVerifier (SHA256, JSON serializer) generates
// subscribe here, names we sign (src/channel/signed-streams.ts, `npm run sign-stream`) verify in Ruby, and a Turbo
// Streams subscription with the name turbo-rails' `signed_stream_name([account, :messages])` makes receives the
// `<turbo-stream>` broadcast Rails publishes through its Redis adapter, byte for byte.
// Needs `ruby` with active_support and globalid (Debian: ruby-activesupport ruby-globalid, installed by .ci/run).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { createCable } from '@anycable/core';
import { loadStreamsConfig } from '../../config';
import { streamsChannels } from '../../channels/streams/index';
import { signStreamName, verifySignedStreamName } from '../../src/channel/index';
import { createPubSub } from '../../src/pubsub/index';
import { inboxOf, railsCable, railsSubscribe } from '../support/clients';
import { describeIf, describeWithService, TEST_REDIS_URL, uniqueName } from '../support/services';
import { startTestCable, type TestCable } from '../support/test-cable';
import { openRaw } from '../support/ws-client';

const ROOT = path.resolve(__dirname, '../..');
const SECRET = 'rails-streams-secret-0123456789abcdef';
const TURBO_KEY = 'rails-turbo-verifier-key-0123456789';

/** Ruby's side: the verifier as AnyCable and turbo-rails build it, and turbo-rails' `stream_name_from`. */
const RUBY = String.raw`
require "json"
require "active_support"
require "active_support/message_verifier"
require "active_support/json"
require "active_support/core_ext/object/try"
require "active_support/core_ext/object/to_param"
require "globalid"

GlobalID.app = "powernode"
class Account
  include GlobalID::Identification
  attr_reader :id
  def initialize(id) = @id = id
  def self.find(id) = new(id)
end

# turbo-rails Turbo::Streams::StreamName#stream_name_from
def stream_name_from(streamables)
  if streamables.is_a?(Array)
    streamables.map { |streamable| stream_name_from(streamable) }.join(":")
  else
    streamables.then { |streamable| streamable.try(:to_gid_param) || streamable.to_param }
  end
end

input = JSON.parse(STDIN.read)
verifier = ActiveSupport::MessageVerifier.new(input["secret"], digest: "SHA256", serializer: JSON)
out =
  case input["op"]
  when "generate" then input["values"].map { |value| verifier.generate(value) }
  when "verified" then input["signed"].map { |signed| verifier.verified(signed) }
  when "turbo"
    # Turbo::StreamsChannel.signed_stream_name([account, :messages]) and what broadcast_append_to publishes:
    # ActionCable.server.broadcast(stream_name, html) → PUBLISH "<prefix>:<stream>" ActiveSupport::JSON.encode(html)
    streamables = [Account.new(input["account_id"]), :messages]
    html = %(<turbo-stream action="append" target="messages"><template><p id="message_1">Hi & <b>bye</b></p></template></turbo-stream>)
    { "stream" => stream_name_from(streamables), "signed" => verifier.generate(stream_name_from(streamables)), "html" => html, "payload" => ActiveSupport::JSON.encode(html) }
  end
puts JSON.generate(out)
`;

function ruby<T>(input: Record<string, unknown>): T {
  const run = spawnSync('ruby', ['-e', RUBY], { input: JSON.stringify(input), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ruby failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const rubyReady = spawnSync('ruby', ['-e', 'require "active_support"; require "active_support/message_verifier"; require "globalid"']).status === 0;

const NAMES = ['chat/42', 'notifications/17', 'ünïcödé ☃ 𝄞', 'quotes " and \\ backslashes', 'x'.repeat(600)];

describeIf('signed stream names against Ruby ActiveSupport::MessageVerifier', rubyReady, 'ruby with active_support and globalid is not installed (apt-get install ruby-activesupport ruby-globalid)', () => {
  it('verifies the names Ruby generates, and Ruby generates exactly what we sign', () => {
    const generated = ruby<string[]>({ op: 'generate', secret: SECRET, values: NAMES });
    generated.forEach((signed, i) => {
      expect(verifySignedStreamName(SECRET, signed)).toEqual({ ok: true, value: NAMES[i] });
      expect(signStreamName(SECRET, NAMES[i] as string)).toBe(signed);
    });
  });

  it('refuses what Ruby signed with another secret, and what Ruby signed that is not a string', () => {
    const [other] = ruby<string[]>({ op: 'generate', secret: 'another-secret-0123456789abcdef', values: ['chat/42'] });
    expect(verifySignedStreamName(SECRET, other)).toEqual({ ok: false, reason: 'bad_digest' });
    const nonStrings = ruby<string[]>({ op: 'generate', secret: SECRET, values: [['chat/42'], { stream: 'chat/42' }, 42] });
    for (const signed of nonStrings) expect(verifySignedStreamName(SECRET, signed)).toEqual({ ok: false, reason: 'not_a_string' });
  });

  it('signs names Ruby verifies (verifier.verified), and Ruby refuses ours under another secret', () => {
    const ours = NAMES.map((n) => signStreamName(SECRET, n));
    expect(ruby<unknown[]>({ op: 'verified', secret: SECRET, signed: ours })).toEqual(NAMES);
    expect(ruby<unknown[]>({ op: 'verified', secret: 'another-secret-0123456789abcdef', signed: ours })).toEqual(NAMES.map(() => null));
  });

  it('prints names with `npm run sign-stream` that Ruby verifies', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/sign-stream.ts', 'chat/42'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', CABLE_STREAMS_SECRET: SECRET },
    });
    expect(run.status).toBe(0);
    expect(ruby<unknown[]>({ op: 'verified', secret: SECRET, signed: [run.stdout.trim()] })).toEqual(['chat/42']);
  }, 30000);

  describe('a real @anycable/core client with a Ruby-signed name', () => {
    let s: TestCable;
    beforeAll(async () => {
      const env = { CABLE_STREAMS_SECRET: SECRET };
      s = await startTestCable(env, { channels: streamsChannels, services: { streams: loadStreamsConfig(env) } });
    });
    afterAll(async () => {
      await s.stop();
    });

    it('follows the stream AnyCable::Streams.signed would have named', async () => {
      const [signed] = ruby<string[]>({ op: 'generate', secret: SECRET, values: ['notifications/17'] });
      const cable = createCable(s.url, { websocketImplementation: WebSocket, auth: { token: s.userToken('ruby-signed'), param: 'token' }, logLevel: 'error' });
      try {
        const channel = cable.streamFromSigned(signed as string);
        const box = inboxOf();
        channel.on('message', (m: unknown) => box.push(m));
        await channel.ensureSubscribed();
        await s.cable.broadcast('notifications/17', { title: 'from Rails' });
        expect(await box.next()).toEqual({ title: 'from Rails' });
      } finally {
        cable.disconnect();
      }
    });
  });

  describeWithService('Turbo Streams broadcast by Rails through Redis', TEST_REDIS_URL, () => {
    const prefix = uniqueName('turbo');
    let s: TestCable;
    let redis: Redis;
    beforeAll(async () => {
      const env = { CABLE_TURBO_STREAMS_SECRET: TURBO_KEY };
      const pubsub = await createPubSub({ adapter: 'redis', redisUrl: TEST_REDIS_URL, channelPrefix: prefix, solidCablePollMs: 100 });
      s = await startTestCable(env, { channels: streamsChannels, services: { streams: loadStreamsConfig(env) }, pubsub });
      redis = new Redis(TEST_REDIS_URL);
    });
    afterAll(async () => {
      redis.disconnect();
      await s.stop();
    });

    it('delivers the <turbo-stream> HTML Rails publishes to a Turbo::StreamsChannel subscription, unchanged', async () => {
      const turbo = ruby<{ stream: string; signed: string; html: string; payload: string }>({ op: 'turbo', secret: TURBO_KEY, account_id: '7f3c' });
      // Account 7f3c's GlobalID param, then the symbol: what turbo_stream_from(@account, :messages) names.
      expect(turbo.stream).toBe(`${Buffer.from('gid://powernode/Account/7f3c').toString('base64url')}:messages`);
      expect(turbo.payload).toContain('\\u003cturbo-stream');
      // @hotwired/turbo-rails subscribes through @rails/actioncable with exactly this identifier.
      const AC = railsCable();
      const consumer = AC.createConsumer(s.urlFor(s.userToken('turbo-rails')));
      const raw = await openRaw(s.urlFor(s.userToken('turbo-raw')));
      try {
        const sub = railsSubscribe(consumer, { channel: 'Turbo::StreamsChannel', signed_stream_name: turbo.signed });
        expect(await sub.state).toBe('connected');
        const identifier = JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: turbo.signed });
        const texts: string[] = [];
        raw.ws.on('message', (data) => texts.push(String(data)));
        await raw.next((f) => f.type === 'welcome');
        raw.send({ command: 'subscribe', identifier });
        await raw.next((f) => f.type === 'confirm_subscription');
        expect(await redis.publish(`${prefix}:${turbo.stream}`, turbo.payload)).toBeGreaterThanOrEqual(1);
        expect(await sub.next()).toBe(turbo.html);
        await raw.next((f) => f.message !== undefined);
        // The frame carries Rails' payload bytes as they were published (ActiveSupport's \u003c escapes included).
        expect(texts.at(-1)).toBe(`{"identifier":${JSON.stringify(identifier)},"message":${turbo.payload}}`);
      } finally {
        consumer.disconnect();
        raw.close();
      }
    });

    it('refuses a Turbo name Rails signed with another key', async () => {
      const turbo = ruby<{ signed: string }>({ op: 'turbo', secret: 'some-other-turbo-key-0123456789', account_id: '7f3c' });
      const AC = railsCable();
      const consumer = AC.createConsumer(s.urlFor(s.userToken('turbo-wrong-key')));
      try {
        expect(await railsSubscribe(consumer, { channel: 'Turbo::StreamsChannel', signed_stream_name: turbo.signed }).state).toBe('rejected');
      } finally {
        consumer.disconnect();
      }
    });
  });
});
