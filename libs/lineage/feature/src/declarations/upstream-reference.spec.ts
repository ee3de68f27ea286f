import { describe, expect, it } from 'vitest';
import { lookupKeysOf, modelKeysOf, parseUpstreamReference } from './upstream-reference';

describe('upstream references', () => {
  it('takes Hub repo ids as they are, org/name or a legacy bare name', () => {
    expect(parseUpstreamReference('google/vit-base-patch16-224', 'model')).toEqual({ kind: 'repo', id: 'google/vit-base-patch16-224' });
    expect(parseUpstreamReference('  bert-base-uncased ', 'model')).toEqual({ kind: 'repo', id: 'bert-base-uncased' });
    expect(parseUpstreamReference('ILSVRC/imagenet-1k', 'dataset')).toEqual({ kind: 'repo', id: 'ILSVRC/imagenet-1k' });
  });

  it('reads the repo out of a huggingface.co URL, of the right kind only', () => {
    expect(parseUpstreamReference('https://huggingface.co/google-bert/bert-base-uncased', 'model')).toEqual({ kind: 'repo', id: 'google-bert/bert-base-uncased' });
    expect(parseUpstreamReference('https://huggingface.co/crangana/trained-gender/tree/main', 'model')).toEqual({ kind: 'repo', id: 'crangana/trained-gender' });
    expect(parseUpstreamReference('https://hf.co/datasets/rajpurkar/squad', 'dataset')).toEqual({ kind: 'repo', id: 'rajpurkar/squad' });
    expect(parseUpstreamReference('https://huggingface.co/datasets/rajpurkar/squad', 'model').kind).toBe('invalid');
  });

  it('refuses a URL to another host, with the host in the reason', () => {
    const parsed = parseUpstreamReference('https://evil.example.com/google/vit-base-patch16-224', 'model');
    expect(parsed).toEqual({ kind: 'invalid', reason: expect.stringContaining('another host (evil.example.com)') });
    expect(parseUpstreamReference('ftp://huggingface.co.evil.example/x/y', 'model').kind).toBe('invalid');
  });

  it('ignores the local paths training scripts leave in _name_or_path', () => {
    for (const path of ['/content/drive/MyDrive/model', './output', '../ckpt', '~/models/x', 'C:\\models\\x', 'runs/exp1/checkpoint-500', '.']) {
      expect(parseUpstreamReference(path, 'model').kind, path).toBe('ignored');
    }
  });

  it('refuses what cannot be a repo id, however long', () => {
    expect(parseUpstreamReference('not a repo', 'model').kind).toBe('invalid');
    expect(parseUpstreamReference('org/na--me', 'model').kind).toBe('invalid');
    expect(parseUpstreamReference('x'.repeat(10_000), 'model')).toEqual({ kind: 'invalid', reason: expect.stringContaining('10000 characters') });
  });

  it('looks a full id up only by itself, a bare legacy name also by the last segment of a registered repo', () => {
    expect(lookupKeysOf('model', 'Google/ViT')).toEqual(['model:google/vit']);
    expect(lookupKeysOf('model', 'bert-base-uncased')).toEqual(['model:bert-base-uncased', 'model-bare:bert-base-uncased']);
    const registered = modelKeysOf(['google-bert/bert-base-uncased']);
    expect(registered).toEqual(['model:google-bert/bert-base-uncased', 'model-bare:bert-base-uncased']);
    expect(lookupKeysOf('model', 'bert-base-uncased').some((k) => registered.includes(k))).toBe(true);
    // Another org's model of the same name is a different model.
    expect(lookupKeysOf('model', 'someone/bert-base-uncased').some((k) => registered.includes(k))).toBe(false);
    expect(lookupKeysOf('dataset', 'ILSVRC/imagenet-1k')).toEqual(['dataset:ilsvrc/imagenet-1k', 'dataset:imagenet-1k']);
  });
});
