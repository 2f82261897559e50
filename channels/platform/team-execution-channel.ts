// TeamExecutionChannel: execution updates of one agent team in the caller's account, and the UI's control
// commands (pause/resume/cancel/redirect, needing `ai.teams.execute`), persisted as control signals on an active
// execution of that team.

import { z } from 'zod';
import { ClientError, eventMessage } from '../../src/channel/index';
import { ApplicationChannel, isUuid, permissionDenied } from '../application-channel';
import { boundedJsonObject } from '../support/bounded-json';
import { actionErrorMessage } from './platform-errors';
import {
  CommandAcknowledged, CommandError as CommandErrorEvent, TEAM_EXECUTION_EVENTS, TeamExecutionConfirmed, publishExecutionControl, teamExecutionStream,
  type ControlCommand,
} from './team-execution-events';

const MAX_INSTRUCTIONS_CHARS = 20_000;

const Params = z.looseObject({ team_id: z.string().max(100) });
// `instructions`: the UI sends an object; the original stored whatever JSON value came, so text is taken too.
const Instructions = z.union([boundedJsonObject(), z.string().max(MAX_INSTRUCTIONS_CHARS)]);
const Command = z.looseObject({ execution_id: z.string().max(100), instructions: Instructions.nullish() });
type RedirectInstructions = z.infer<typeof Instructions>;
type CommandData = z.infer<typeof Command>;

/** Execution statuses that accept control commands (Ai::TeamExecution#active?). */
export const ACTIVE_EXECUTION_STATUSES: readonly string[] = ['pending', 'running', 'paused', 'awaiting_approval'];

/** The permission every control command needs (Powernode's team-execution controllers: pause/resume/cancel). */
export const TEAM_EXECUTION_PERMISSION = 'ai.teams.execute';

class CommandError extends ClientError {}

/** Team execution monitoring and control. */
export class TeamExecutionChannel extends ApplicationChannel<z.infer<typeof Params>> {
  static override channel = 'TeamExecutionChannel';
  static override params = Params;
  static override actions = { pause: Command, resume: Command, cancel: Command, redirect: Command };
  static override writePermissions = { pause: TEAM_EXECUTION_PERMISSION, resume: TEAM_EXECUTION_PERMISSION, cancel: TEAM_EXECUTION_PERMISSION, redirect: TEAM_EXECUTION_PERMISSION };
  static events = TEAM_EXECUTION_EVENTS;
  private teamId = '';

  override async subscribed(): Promise<void> {
    const team = this.found(await this.db.aiAgentTeam.findFirst({ where: this.owned(this.params.team_id), select: { id: true } }), 'team');
    this.teamId = team.id;
    this.streamFrom(teamExecutionStream(team.id));
    this.transmit(eventMessage(TeamExecutionConfirmed, { team_id: team.id, timestamp: this.now() }));
  }

  override async rescue(error: unknown, action: string): Promise<void> {
    await super.rescue(error, action);
    const message = error instanceof CommandError ? error.message : actionErrorMessage(error, 'Execution not found');
    this.transmit(eventMessage(CommandErrorEvent, { error: message, timestamp: this.now() }));
  }

  /** `{type:"command_error", error:"Permission denied: ai.teams.execute", timestamp}`. */
  protected override refuse(_action: string, permissions: readonly string[]): void {
    this.transmit(eventMessage(CommandErrorEvent, { error: permissionDenied(permissions), timestamp: this.now() }));
  }

  /** Ask the execution to pause (`control_signal = "pause"`). */
  pause(data: CommandData): Promise<void> {
    return this.control('pause', data);
  }

  /** Clear a pending pause. */
  resume(data: CommandData): Promise<void> {
    return this.control('resume', data);
  }

  /** Ask the execution to cancel. */
  cancel(data: CommandData): Promise<void> {
    return this.control('cancel', data);
  }

  /** Redirect the execution with `instructions` (stored as `redirect_instructions`). */
  redirect(data: CommandData): Promise<void> {
    return this.control('redirect', data);
  }

  private async control(command: ControlCommand, { execution_id, instructions }: CommandData): Promise<void> {
    if (!isUuid(execution_id)) throw new CommandError('Execution not found');
    const where = { id: execution_id.toLowerCase(), agentTeamId: this.teamId, accountId: this.accountId };
    const execution = await this.db.aiTeamExecution.findFirst({ where });
    if (!execution) throw new CommandError('Execution not found');
    if (!ACTIVE_EXECUTION_STATUSES.includes(execution.status)) throw new CommandError('Execution is not active');
    const data = this.signal(command, execution.controlSignal, instructions ?? {});
    if (data) {
      // Re-checks the status in the write itself, so an execution that just finished is not signalled.
      const { count } = await this.db.aiTeamExecution.updateMany({ where: { ...where, status: { in: [...ACTIVE_EXECUTION_STATUSES] } }, data });
      if (count === 0) throw new CommandError('Execution is not active');
    }
    this.transmit(eventMessage(CommandAcknowledged, { command, execution_id, timestamp: this.now() }));
    const controlSignal = data ? data.controlSignal : execution.controlSignal;
    await publishExecutionControl(this.services.broadcaster, { team_id: this.teamId }, command, {
      execution_id: execution.id, status: execution.status, control_signal: controlSignal,
      ...(command === 'redirect' ? { instructions: instructions ?? {} } : {}),
    });
  }

  private signal(command: ControlCommand, current: string | null, instructions: RedirectInstructions): { controlSignal: string | null; redirectInstructions?: string } | null {
    if (command === 'resume') return current === 'pause' ? { controlSignal: null } : null;
    if (command !== 'redirect') return { controlSignal: command };
    const redirectInstructions = JSON.stringify(instructions);
    if (redirectInstructions.length > MAX_INSTRUCTIONS_CHARS) throw new CommandError('Instructions are too large');
    return { controlSignal: 'redirect', redirectInstructions };
  }
}
