import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ChatNodeSelector } from './chat-node-selector.service';
import { ChatNodeDto } from './discovery.dto';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('discovery')
export class DiscoveryController {
  constructor(private readonly selector: ChatNodeSelector) {}

  @Get('chat-node')
  @ApiOkResponse({ type: ChatNodeDto, description: 'The least-loaded healthy chat node' })
  @ApiServiceUnavailableResponse({ description: '`unavailable`: no chat node is healthy' })
  async chatNode(): Promise<ChatNodeDto> {
    const node = await this.selector.pick();
    return { nodeId: node.id, url: node.url };
  }
}
