// CatchUp: live frames of a subscription are held while it catches up, then written once each and in order;
// frames its replay already covered are dropped, including late ones the hub writes after the replay.

import { CatchUp } from '../../src/connection/catch-up';
import { dataFrame, dataFramePrefix, PreparedFrame, positionTail, quoteIdentifier } from '../../src/protocol/codec';

const ID = '{"channel":"ChatChannel","room":"x"}';
const OTHER = '{"channel":"ChatChannel","room":"y"}';
// The payload carries decoy position keys: the frame's position is data, never read back from its text.
const frame = (offset: number, id = ID, stream = 'chat_x', epoch = 'e1') =>
  dataFrame(dataFramePrefix(quoteIdentifier(id)), `{"n":${offset},"stream_id":"decoy","offset":999}`, stream, positionTail(stream, { epoch, offset }));

function setup() {
  const written: number[] = [];
  const catchUp = new CatchUp((f) => written.push((JSON.parse(f.text) as { message: { n: number } }).message.n));
  const offer = (f: PreparedFrame) => {
    if (!catchUp.offer(f)) written.push((JSON.parse(f.text) as { message: { n: number } }).message.n);
  };
  return { written, catchUp, offer };
}

describe('CatchUp', () => {
  it('is inactive until a subscription holds, and never touches other subscriptions or pings', () => {
    const { catchUp } = setup();
    expect(catchUp.active).toBe(false);
    catchUp.hold(ID);
    expect(catchUp.active).toBe(true);
    expect(catchUp.offer(frame(1, OTHER))).toBe(false);
    expect(catchUp.offer(new PreparedFrame('{"type":"ping","message":1}'))).toBe(false);
  });

  it('holds live frames during a replay, drops the covered ones and writes the rest in order', () => {
    const { written, catchUp, offer } = setup();
    catchUp.hold(ID);
    for (const o of [4, 5, 6, 7]) offer(frame(o));
    expect(written).toEqual([]);
    catchUp.release(ID, new Map([['chat_x', { epoch: 'e1', offset: 5 }]]));
    expect(written).toEqual([6, 7]);
  });

  it('drops a covered frame the hub writes after the replay, until a newer frame of that stream passes', () => {
    const { written, catchUp, offer } = setup();
    catchUp.hold(ID);
    catchUp.release(ID, new Map([['chat_x', { epoch: 'e1', offset: 9 }]]));
    offer(frame(8));
    offer(frame(9));
    offer(frame(10));
    expect(written).toEqual([10]);
    expect(catchUp.active).toBe(false);
  });

  it('keeps frames of another epoch and unpositioned frames', () => {
    const { written, catchUp, offer } = setup();
    catchUp.hold(ID);
    offer(frame(3, ID, 'chat_x', 'e2'));
    const plain = dataFrame(dataFramePrefix(quoteIdentifier(ID)), '{"n":0}', 'chat_x');
    expect(catchUp.offer(plain)).toBe(true);
    catchUp.release(ID, new Map([['chat_x', { epoch: 'e1', offset: 9 }]]));
    expect(written).toEqual([3, 0]);
  });

  it('forgets a subscription with its held frames', () => {
    const { written, catchUp, offer } = setup();
    catchUp.hold(ID);
    offer(frame(1));
    catchUp.forget(ID);
    catchUp.release(ID, new Map());
    expect(written).toEqual([]);
    expect(catchUp.active).toBe(false);
  });
});
