import { Controller, Delete, Get, HttpCode, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { RegistryResetService } from './registry-reset.service';

/** The tracks this deployment implements (ece461 §2.1 enum values). */
export const PLANNED_TRACKS = ['Access control track', 'Other Security track'] as const;

@Controller()
export class RegistryController {
  constructor(private readonly resets: RegistryResetService) {}

  @Delete('reset')
  @HttpCode(200)
  @UseGuards(AuthGuard)
  @RequirePermission('admin')
  async reset(@CurrentActor() actor: RequestActor): Promise<void> {
    await this.resets.reset(actor);
  }

  @Get('tracks')
  tracks(): { plannedTracks: string[] } {
    return { plannedTracks: [...PLANNED_TRACKS] };
  }
}
