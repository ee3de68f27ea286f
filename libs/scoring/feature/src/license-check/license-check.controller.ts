import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { LicenseCheckQuery, type LicenseCheckV1 } from '@modelguard/contracts';
import { parseGithubRepoUrl } from '../evidence/github-repo-url';
import { LicenseCheckService } from './license-check.service';

/**
 * The server of the LicenseCheck internal query (@modelguard/contracts), which the gateway serves as
 * `POST /artifact/model/{id}/license-check`. Not exposed publicly: authorisation is the gateway's job.
 *  - 200 the verdict, or why GitHub could not say (`github-not-found`, `github-unreachable`)
 *  - 400 a malformed id or GitHub URL, 404 no stored version of that model
 */
@Controller('internal/models')
export class LicenseCheckController {
  constructor(private readonly checks: LicenseCheckService) {}

  @Get(':id/license-check')
  async check(@Param('id') id: string, @Query('githubUrl') githubUrl: unknown): Promise<LicenseCheckV1> {
    const parsed = LicenseCheckQuery.request.safeParse({ id, githubUrl });
    const repo = parsed.success ? parseGithubRepoUrl(parsed.data.githubUrl) : null;
    if (!parsed.success || repo === null) throw new BadRequestException('id must be an artifact id and githubUrl https://github.com/<owner>/<repo>');
    const result = await this.checks.check(parsed.data.id, repo);
    if (result === null) throw new NotFoundException(`no stored version of model ${parsed.data.id}`);
    return result;
  }
}
