// SupplyChainChannel (docs/channels.md): supply-chain updates of the caller's own account on
// `supply_chain_<account_id>`. Subscribe-only; the events and their publishers are in supply-chain-*events.ts.

import { z } from 'zod';
import { ApplicationChannel } from '../application-channel';
import { supplyChainStream } from './supply-chain-events';

const Params = z.looseObject({ channel: z.string(), account_id: z.string().min(1).max(64) });
type SupplyChainParams = z.infer<typeof Params>;

/** Supply-chain events (SBOMs, attestations, scans, vendors, keys, licenses) of the caller's account. */
export class SupplyChainChannel extends ApplicationChannel<SupplyChainParams> {
  static override channel = 'SupplyChainChannel';
  static override params = Params;

  override subscribed(): void {
    const accountId = this.params.account_id;
    if (!this.ownsAccount(accountId)) return this.reject();
    this.streamFrom(supplyChainStream(accountId));
    this.transmit({ type: 'subscribed', message: 'Connected to Supply Chain updates', account_id: accountId, timestamp: this.now() });
  }
}
