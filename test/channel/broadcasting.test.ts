import { broadcastingFor, gidOf, globalIdParam } from '../../src/channel/broadcasting';
import { channelName } from '../../src/channel/naming';

describe('channelName', () => {
  it('underscores like Rails', () => {
    expect(channelName('ChatChannel')).toBe('chat');
    expect(channelName('Admin::ChatRoomChannel')).toBe('admin:chat_room');
    expect(channelName('AiOrchestrationChannel')).toBe('ai_orchestration');
    expect(channelName('McpChannel')).toBe('mcp');
    expect(channelName('HTMLParserChannel')).toBe('html_parser');
  });
});

describe('broadcastingFor', () => {
  it('uses the URL-safe unpadded GlobalID param for models (protocol.md §1.10 example)', () => {
    expect(globalIdParam('myapp', 'User', '1')).toBe('Z2lkOi8vbXlhcHAvVXNlci8x');
    expect(broadcastingFor('myapp', 'chat', gidOf('User', '1'))).toBe('chat:Z2lkOi8vbXlhcHAvVXNlci8x');
  });

  it('joins strings, numbers and composite parts with colons', () => {
    expect(broadcastingFor('server', 'mcp', 'mcp_account_1')).toBe('mcp:mcp_account_1');
    expect(broadcastingFor('app', 'room', [gidOf('Account', 'a'), 7])).toBe(`room:${globalIdParam('app', 'Account', 'a')}:7`);
  });
});
