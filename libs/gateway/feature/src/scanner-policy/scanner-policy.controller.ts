import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import type { RequestActor } from '../auth/actor';
import { CurrentActor, RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseAllowedImports } from './allowed-imports';
import { ScannerPolicyService, type ScannerPolicyView } from './scanner-policy.service';

/**
 * Extension endpoints (openapi/modelguard-extensions.openapi.yaml), admin only: the scanner policy, and replacing its
 * allow-list of pickle imports the scanner does not know. Scans started after a change apply it (scan service).
 */
@Controller('scanner-policy')
@UseGuards(AuthGuard)
@RequirePermission('admin')
export class ScannerPolicyController {
  constructor(private readonly policy: ScannerPolicyService) {}

  @Get()
  get(): Promise<ScannerPolicyView> {
    return this.policy.get();
  }

  @Put('allowed-imports')
  setAllowedImports(@Body() body: unknown, @CurrentActor() actor: RequestActor): Promise<ScannerPolicyView> {
    return this.policy.setAllowedImports(actor, parseAllowedImports(body));
  }
}
