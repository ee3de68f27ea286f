import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { parseSourceUrl } from '../domain/artifact-name';
import { assertAllowedSourceHost } from './source-host';

function refusal(raw: string, allowPrivate = false): string | null {
  try {
    assertAllowedSourceHost(parseSourceUrl(raw), allowPrivate);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ClientError);
    expect((e as ClientError).status).toBe(400);
    return (e as ClientError).message;
  }
}

describe('source hosts checked at create time', () => {
  it('accepts public hosts and names (names are resolved and checked by ingest when it fetches)', () => {
    for (const url of ['https://huggingface.co/google-bert/bert-base-uncased', 'https://github.com/openai/whisper', 'https://www.kaggle.com/datasets/a/b', 'http://8.8.8.8/model.zip', 'https://[2606:4700::1111]/x']) {
      expect(refusal(url), url).toBeNull();
    }
  });

  it('always refuses cloud metadata services and link-local addresses, even where private networks are allowed', () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://METADATA.google.internal./x',
      'http://[fd00:ec2::254]/latest/',
      'http://[fe80::1]/x',
      'http://100.100.100.200/latest/meta-data',
      'http://instance-data/latest',
    ]) {
      expect(refusal(url, true), url).toMatch(/metadata or link-local/);
    }
  });

  it('refuses loopback, private and reserved addresses unless private networks are allowed', () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://2130706433/x', 'http://0x7f000001/x', 'http://localhost/x', 'http://api.localhost/x', 'http://10.1.2.3/x', 'http://192.168.0.10/x', 'http://[::1]/x', 'http://[::ffff:10.0.0.1]/x', 'http://0.0.0.0/x']) {
      expect(refusal(url), url).not.toBeNull();
      expect(refusal(url, true), url).toBeNull();
    }
  });

  it('keeps refusing schemes other than http(s) and credentials in the URL', () => {
    for (const url of ['file:///etc/passwd', 'gopher://example.com/', 'ftp://example.com/m.zip', 'https://user:secret@huggingface.co/a/b']) {
      expect(refusal(url, true), url).not.toBeNull();
    }
  });
});
