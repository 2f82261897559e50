// Public surface of the framework for channels/: the only module channel files import from src/.

export { Channel, channelNameOf } from './base';
export type { ChannelClass, ChannelContext, ChannelNaming, PresenceEntry, StreamOptions } from './base';
export type { PresenceRecord, PresenceRequest } from '../protocol/messages';
export { actionSpecs } from './actions';
export type { ActionEntry, ActionSpec, ActionTable } from './actions';
export { broadcastingFor, broadcastTo, globalIdParam, gidOf } from './broadcasting';
export type { BroadcastingPart, BroadcastTarget, GlobalIdentifiable } from './broadcasting';
export { channelName } from './naming';
export { signMessage, signStreamName, verifyMessage, verifySignedStreamName } from './signed-streams';
export type { Verified, VerifyFailure } from './signed-streams';
export type { ChannelHost } from './host';
export { ChannelRegistry } from './registry';
export { ClientError, NotFoundError, ParamsInvalidError, isClientFault } from '../errors';
export { logFailure } from './base';
export type { Logger } from '../log/logger';
export { broadcaster, catalogOf, defineCustomEvent, defineEvent, eventMessage, EventShapeError, isCatalogued, stream, VALIDATE_EVENTS } from './catalog';
export type { ChannelCatalog, CataloguedClass, Delivery, EventInput, EventOutput, EventSpec, EventTarget, Publisher, StreamArgs, StreamSpec } from './catalog';
