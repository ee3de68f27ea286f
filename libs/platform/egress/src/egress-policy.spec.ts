import { describe, expect, it } from 'vitest';
import { EgressPolicy } from './egress-policy';
import { UpstreamError } from './upstream-error';

const real = new EgressPolicy({
  hfEndpoint: 'https://huggingface.co',
  githubApiUrl: 'https://api.github.com',
  allowedHosts: ['Mirror.Example.org'],
  allowPrivateNetworks: false,
});

function refusal(policy: EgressPolicy, url: string): UpstreamError | null {
  try {
    policy.check(new URL(url));
    return null;
  } catch (error) {
    return error as UpstreamError;
  }
}

describe('EgressPolicy.check', () => {
  it.each([
    'https://huggingface.co/api/models/google-bert/bert-base-uncased',
    'https://cdn-lfs.hf.co/repos/ab/cd/file',
    'https://api.github.com/repos/openai/whisper',
    'https://codeload.github.com/openai/whisper/legacy.zip/refs/heads/main',
    'https://mirror.example.org/x',
    'https://HUGGINGFACE.CO./x',
  ])('allows %s', (url) => {
    expect(refusal(real, url)).toBeNull();
  });

  it.each([
    ['http://huggingface.co/x', /plain http/],
    ['ftp://huggingface.co/x', /scheme/],
    ['file:///etc/passwd', /scheme/],
    ['gopher://huggingface.co/x', /scheme/],
    ['https://user:pw@huggingface.co/x', /credentials/],
    ['https://evil.example.com/x', /allow-list/],
    ['https://huggingface.co.evil.com/x', /allow-list/],
    ['https://169.254.169.254/latest/meta-data/', /allow-list/],
    ['https://2130706433/', /allow-list/],
    ['https://0x7f000001/', /allow-list/],
    ['https://[::ffff:127.0.0.1]/', /allow-list/],
  ])('refuses %s', (url, why) => {
    const error = refusal(real, url);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error?.kind).toBe('forbidden-destination');
    expect(error?.retriable).toBe(false);
    expect(error?.message).toMatch(why);
  });

  it('refuses an allow-listed private IP literal unless private networks are allowed', () => {
    const opts = { hfEndpoint: 'http://127.0.0.1:8080', githubApiUrl: 'https://api.github.com', allowedHosts: [] };
    expect(refusal(new EgressPolicy({ ...opts, allowPrivateNetworks: false }), 'https://127.0.0.1:8080/x')?.message).toMatch(/loopback/);
    expect(refusal(new EgressPolicy({ ...opts, allowPrivateNetworks: true }), 'http://127.0.0.1:8080/x')).toBeNull();
  });

  it('does not add the public CDNs for a non-default endpoint', () => {
    const mirror = new EgressPolicy({ hfEndpoint: 'https://hf-mirror.internal', githubApiUrl: 'https://ghe.internal/api/v3', allowedHosts: [], allowPrivateNetworks: false });
    expect(refusal(mirror, 'https://cdn-lfs.hf.co/x')).not.toBeNull();
    expect(refusal(mirror, 'https://ghe.internal/x')).toBeNull();
  });
});

describe('EgressPolicy.checkAddresses', () => {
  it('refuses a name if any resolved address is private (DNS rebinding)', () => {
    expect(() => real.checkAddresses('huggingface.co', ['18.1.2.3', '127.0.0.1'])).toThrow(/127\.0\.0\.1/);
    expect(() => real.checkAddresses('huggingface.co', ['::ffff:169.254.169.254'])).toThrow(UpstreamError);
    expect(() => real.checkAddresses('huggingface.co', [])).toThrow(/did not resolve/);
    expect(() => real.checkAddresses('huggingface.co', ['18.1.2.3', '2600:1f18::1'])).not.toThrow();
  });
});
