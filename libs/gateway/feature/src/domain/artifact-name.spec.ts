import { describe, expect, it } from 'vitest';
import { deriveArtifactName, parseSourceUrl, upstreamKindOf, validateArtifactName } from './artifact-name';
import { ClientError } from './client-error';

const derive = (u: string): string => deriveArtifactName(new URL(u));

describe('deriveArtifactName', () => {
  it.each([
    ['https://huggingface.co/google-bert/bert-base-uncased', 'bert-base-uncased'],
    ['https://huggingface.co/distilbert-base-uncased-distilled-squad', 'distilbert-base-uncased-distilled-squad'],
    ['https://huggingface.co/datasets/bookcorpus/bookcorpus', 'bookcorpus'],
    ['https://huggingface.co/openai/whisper-tiny/tree/main', 'whisper-tiny'],
    ['https://github.com/openai/whisper', 'whisper'],
    ['https://github.com/Parth1811/ptm-recommendation-with-transformers.git', 'ptm-recommendation-with-transformers'],
    ['https://github.com/huggingface/lerobot/tree/main', 'lerobot'],
    ['https://www.kaggle.com/datasets/hliang001/flickr2k', 'flickr2k'],
    ['https://example.com/', 'example.com'],
  ])('%s → %s', (url, name) => expect(derive(url)).toBe(name));
});

describe('validateArtifactName', () => {
  it('accepts names with slashes and keyboard punctuation', () => {
    expect(validateArtifactName('google-bert/bert-base-uncased')).toBe('google-bert/bert-base-uncased');
    expect(validateArtifactName("it's (v2) [final]!")).toBe("it's (v2) [final]!");
  });

  it.each(['', '*', '../etc/passwd', 'a/../b', '/abs', 'tab\there', 'ünïcode', 'x'.repeat(256), 42])('rejects %j with a 400', (bad) => {
    expect(() => validateArtifactName(bad)).toThrow(ClientError);
    try {
      validateArtifactName(bad);
    } catch (e) {
      expect((e as ClientError).status).toBe(400);
    }
  });
});

describe('parseSourceUrl', () => {
  it('accepts http(s) and classifies upstreams', () => {
    expect(upstreamKindOf(parseSourceUrl('https://huggingface.co/a/b'))).toBe('huggingface');
    expect(upstreamKindOf(parseSourceUrl('https://github.com/a/b'))).toBe('github');
    expect(upstreamKindOf(parseSourceUrl('https://www.kaggle.com/datasets/a/b'))).toBe('other');
  });

  it.each(['not a url', 'ftp://x/y', 'file:///etc/passwd', 'https://user:pw@github.com/a/b', 'https://x/' + 'a'.repeat(3000), 7])('rejects %j', (bad) => {
    expect(() => parseSourceUrl(bad)).toThrow(ClientError);
  });
});
