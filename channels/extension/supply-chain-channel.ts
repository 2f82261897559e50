// SupplyChainChannel (docs/channels.md): supply-chain updates of the caller's own account on
// `supply_chain_<account_id>`. Subscribe-only; the events are in supply-chain-*events.ts.

import { z } from 'zod';
import { eventMessage } from '../../src/channel/index';
import { ApplicationChannel } from '../application-channel';
import { SupplyChainStream, supplyChainStream, SupplyChainSubscribed } from './supply-chain-events';
import { SUPPLY_CHAIN_EVENTS } from './supply-chain-ops-events';

const Params = z.looseObject({ channel: z.string(), account_id: z.string().min(1).max(64) });
type SupplyChainParams = z.infer<typeof Params>;

/** Supply-chain events (SBOMs, attestations, scans, vendors, keys, licenses) of the caller's account. */
export class SupplyChainChannel extends ApplicationChannel<SupplyChainParams> {
  static override channel = 'SupplyChainChannel';
  static override params = Params;
  static events = SUPPLY_CHAIN_EVENTS;
  static streams = [SupplyChainStream];

  override subscribed(): void {
    const accountId = this.params.account_id;
    if (!this.ownsAccount(accountId)) return this.reject();
    this.streamFrom(supplyChainStream(accountId));
    this.transmit(eventMessage(SupplyChainSubscribed, { account_id: accountId, timestamp: this.now() }));
  }
}
