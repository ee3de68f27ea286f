import { isIP } from 'node:net';
import { forbiddenAddressReason } from './address-policy';
import { UpstreamError } from './upstream-error';

export interface EgressPolicyOptions {
  hfEndpoint: string;
  githubApiUrl: string;
  /** Further operator-configured base URLs (the scoring service's LLM_BASE_URL): their hosts are allowed like hfEndpoint's. */
  extraEndpoints?: readonly string[];
  allowedHosts: readonly string[];
  allowPrivateNetworks: boolean;
}

/**
 * Hosts the real upstreams redirect downloads to. They are only added when the matching real endpoint is
 * configured, so a test or mirror setup never silently gains access to the public CDNs.
 */
const REDIRECT_HOSTS: Record<string, readonly string[]> = {
  'huggingface.co': ['cdn-lfs.huggingface.co', 'cdn-lfs.hf.co', 'cdn-lfs-us-1.hf.co', 'cdn-lfs-eu-1.hf.co', 'cas-bridge.xethub.hf.co'],
  'api.github.com': ['codeload.github.com', 'objects.githubusercontent.com', 'github.com'],
};

/** Decides whether a URL may be fetched at all, before any DNS lookup or connection. */
export class EgressPolicy {
  private readonly hosts: ReadonlySet<string>;

  constructor(readonly options: EgressPolicyOptions) {
    const hosts = new Set<string>(options.allowedHosts.map((h) => h.toLowerCase()));
    for (const endpoint of [options.hfEndpoint, options.githubApiUrl, ...(options.extraEndpoints ?? [])]) {
      const host = new URL(endpoint).hostname.toLowerCase();
      hosts.add(host);
      for (const extra of REDIRECT_HOSTS[host] ?? []) hosts.add(extra);
    }
    this.hosts = hosts;
  }

  get allowPrivateNetworks(): boolean {
    return this.options.allowPrivateNetworks;
  }

  /** Throws a non-retriable UpstreamError when the URL is not an allowed destination. */
  check(url: URL): void {
    const refuse = (why: string): never => {
      throw new UpstreamError('forbidden-destination', `refusing to fetch ${url.origin}: ${why}`);
    };
    if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(`scheme ${url.protocol} is not allowed`);
    // Plain http is only for local fakes and mirrors, which already require allowPrivateNetworks.
    if (url.protocol === 'http:' && !this.options.allowPrivateNetworks) refuse('plain http is not allowed');
    if (url.username !== '' || url.password !== '') refuse('credentials in URLs are not allowed');
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (!this.hosts.has(host)) refuse(`host ${host} is not on the upstream allow-list`);
    if (isIP(host) !== 0 && !this.options.allowPrivateNetworks) {
      const reason = forbiddenAddressReason(host);
      if (reason) refuse(reason);
    }
  }

  /** Checks the addresses a hostname resolved to; every one must be acceptable (one bad address poisons the name). */
  checkAddresses(hostname: string, addresses: readonly string[]): void {
    if (addresses.length === 0) throw new UpstreamError('network', `${hostname} did not resolve`);
    if (this.options.allowPrivateNetworks) return;
    for (const address of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason) throw new UpstreamError('forbidden-destination', `refusing to connect to ${hostname}: ${reason}`);
    }
  }
}
