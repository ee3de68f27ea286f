import { Module } from '@nestjs/common';
import { ScanServiceModule, scanSettingsFromEnv } from '@modelguard/scan-feature';

/** The scan service process. The app is the one place that reads SCAN_* from the environment. */
@Module({ imports: [ScanServiceModule.forService({ settings: scanSettingsFromEnv(process.env) })] })
export class ScanModule {}
