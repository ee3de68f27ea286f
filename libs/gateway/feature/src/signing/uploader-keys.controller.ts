import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { UploaderKeysService, type UploaderKeyView } from './uploader-keys.service';

/** Extension endpoints (openapi/modelguard-extensions.openapi.yaml): the caller's own package-signing keys. */
@Controller('uploader-keys')
@UseGuards(AuthGuard)
export class UploaderKeysController {
  constructor(private readonly keys: UploaderKeysService) {}

  @Get()
  @RequirePermission('upload')
  async list(@CurrentActor() actor: RequestActor): Promise<{ keys: UploaderKeyView[] }> {
    return { keys: await this.keys.list(actor) };
  }

  @Post()
  @HttpCode(201)
  @RequirePermission('upload')
  add(@CurrentActor() actor: RequestActor, @Body() body: unknown): Promise<UploaderKeyView> {
    return this.keys.add(actor, body);
  }

  @Delete(':key_id')
  @RequirePermission('upload')
  revoke(@CurrentActor() actor: RequestActor, @Param('key_id') keyId: string): Promise<UploaderKeyView> {
    return this.keys.revoke(actor, keyId);
  }
}
