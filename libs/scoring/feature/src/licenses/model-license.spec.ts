import { describe, expect, it } from 'vitest';
import type { PackageMetadata } from '@modelguard/contracts';
import { readCard } from '../metrics/card-document';
import { modelLicenseOf } from './model-license';

const licenseOf = (metadata: PackageMetadata) => modelLicenseOf(metadata, readCard(metadata.readme));

describe('modelLicenseOf', () => {
  it('takes what ingest read from the Hub before anything the README says', () => {
    const readme = '---\nlicense: mit\n---\n# Model\n\n## License\n\nCC BY-NC 4.0\n';
    expect(licenseOf({ readme, upstream: { repo: 'a/b', tags: ['license:apache-2.0'] } })).toEqual({ kind: 'declared', id: 'apache-2.0', from: 'Hub license tag' });
  });

  it("reads an uploaded README's own front matter, before its License section", () => {
    const readme = '---\nlanguage: en\nlicense: "Apache-2.0"\ntags:\n- text\n---\n# Model\n\n## License\n\nCC BY-NC 4.0\n';
    expect(licenseOf({ readme })).toEqual({ kind: 'declared', id: 'apache-2.0', from: 'README front matter' });
  });

  it('ignores a license key outside the front matter or in front matter that never closes', () => {
    expect(licenseOf({ readme: '# Model\nlicense: mit\n' })).toEqual({ kind: 'none' });
    expect(licenseOf({ readme: '---\nlicense: mit\n# Model\n\nNo closing fence.\n' })).toEqual({ kind: 'none' });
  });

  it('falls back to the README License section, recognised or not', () => {
    expect(licenseOf({ readme: '# Model\n\n## License\n\nFree for research only (CC BY-NC 4.0).\n' })).toEqual({ kind: 'readme', id: 'cc-by-nc-4.0' });
    expect(licenseOf({ readme: '# Model\n\n## Licensing\n\nAsk our lawyers.\n' })).toEqual({ kind: 'readme-unrecognised' });
  });
});
