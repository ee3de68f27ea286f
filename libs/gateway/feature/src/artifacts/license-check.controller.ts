import { GithubRepoUrlSchema, Query } from '@modelguard/contracts';
import { Body, Controller, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequirePermission } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { parseArtifactId } from '../domain/artifact-type';
import { ClientError } from '../domain/client-error';
import { InternalQueriesService } from '../proxy/internal-queries.service';
import { ArtifactService } from './artifact.service';

const BODY_SHAPE = 'body must be {"github_url": "https://github.com/<owner>/<repo>"}';

/** The spec's SimpleLicenseCheckRequest, with the URL held to GithubRepoUrlSchema (a GitHub repository URL, nothing else). */
function parseLicenseCheckRequest(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ClientError(400, BODY_SHAPE);
  const url = (body as { github_url?: unknown }).github_url;
  if (typeof url !== 'string') throw new ClientError(400, BODY_SHAPE);
  const parsed = GithubRepoUrlSchema.safeParse(url.trim());
  if (!parsed.success) throw new ClientError(400, `github_url ${parsed.error.issues[0]?.message ?? 'is not a GitHub repository URL'}`);
  return parsed.data;
}

/**
 * `POST /artifact/model/{id}/license-check`: may the GitHub project's code be used to fine-tune this model and ship
 * its inference? The scoring service judges it (LicenseCheck query: the model's license as the `license` metric
 * reads it, the project's from GitHub, the compatibility table in libs/scoring/feature/README.md); the answer is the
 * spec's bare JSON boolean. 400 malformed id or body, 404 unknown model, no stored package yet, or a GitHub project
 * that does not exist, 502 GitHub (or the scoring service) unreachable.
 */
@Controller()
@UseGuards(AuthGuard)
@RequirePermission('search')
export class LicenseCheckController {
  constructor(
    private readonly artifacts: ArtifactService,
    private readonly dataSource: DataSource,
    private readonly internal: InternalQueriesService,
  ) {}

  @Post('artifact/model/:id/license-check')
  @HttpCode(200)
  @Header('Content-Type', 'application/json')
  async licenseCheck(@Param('id') rawId: string, @Body() body: unknown): Promise<string> {
    const id = parseArtifactId(rawId);
    const githubUrl = parseLicenseCheckRequest(body);
    await this.artifacts.require(this.dataSource.manager, 'model', id);
    const { body: result } = await this.internal.query(Query.LicenseCheck, { id, githubUrl }, 'the scoring service');
    switch (result.outcome) {
      case 'github-not-found':
        throw new ClientError(404, result.reason);
      case 'github-unreachable':
        throw new ClientError(502, result.reason);
      case 'checked':
        // The spec's answer is a bare boolean; Nest would send a boolean as text, so it is serialised here.
        return JSON.stringify(result.compatible);
    }
  }
}
