// Rails channel naming: class name minus `Channel`, `::` → `:`, underscored.

/** `ChatChannel` → `chat`, `Admin::ChatRoomChannel` → `admin:chat_room`, `AiOrchestrationChannel` → `ai_orchestration`. */
export function channelName(className: string): string {
  return className
    .replace(/Channel$/, '')
    .split('::')
    .map((part) =>
      part
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .replace(/([a-z\d])([A-Z])/g, '$1_$2')
        .toLowerCase(),
    )
    .join(':');
}
