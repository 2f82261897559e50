// MissionChannel (docs/channels.md): mission lifecycle events for one mission of the caller's account, or for the caller's
// whole account. Streams only; nothing is transmitted on subscribe. Events (schema-only) in mission-events.ts.

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { MISSION_EVENTS, MissionAccountStream, MissionStream, missionStream } from './mission-events';

const Params = z.looseObject({ type: z.enum(['mission', 'account']), id: z.string().min(1).max(100) });
type MissionParams = z.infer<typeof Params>;

/** Mission status, phase, task, deploy, PR, approval and error events. */
export class MissionChannel extends ApplicationChannel<MissionParams> {
  static override channel = 'MissionChannel';
  static override params = Params;
  static events = MISSION_EVENTS;
  static streams = [MissionStream, MissionAccountStream];

  override async subscribed(): Promise<void> {
    const { type, id } = this.params;
    if (type === 'account') {
      if (!this.ownsAccount(id)) return this.reject();
      return this.streamFrom(missionStream('account', id));
    }
    // The newer fork's fix: the mission must belong to the caller's account (HEAD allowed any id).
    const mission = await this.db.aiMission.findFirst({ where: this.owned(id), select: { id: true } });
    this.streamFrom(missionStream('mission', this.found(mission, 'mission').id));
  }
}
