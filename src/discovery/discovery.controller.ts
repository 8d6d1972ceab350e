import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '../common/api-errors';
import { ChatNodeSelector } from './chat-node-selector.service';
import { ChatNodeDto } from './discovery.dto';

@ApiTags('discovery')
@ApiSignedIn()
@Controller('discovery')
export class DiscoveryController {
  constructor(private readonly selector: ChatNodeSelector) {}

  @Get('chat-node')
  @ApiOperation({ summary: 'Where to open the socket: the least-loaded healthy chat node' })
  @ApiOkResponse({ type: ChatNodeDto, description: 'The least-loaded healthy chat node' })
  @ApiErrors([
    503,
    'no chat node is healthy, discovery or a backing store is unavailable; retry after `Retry-After` seconds',
  ])
  async pickChatNode(): Promise<ChatNodeDto> {
    const node = await this.selector.pick();
    return { nodeId: node.id, url: node.url };
  }
}
