import { describe, expect, it } from 'vitest';
import { InvalidUpstreamUrlError, parseUpstreamUrl } from './upstream-url';

describe('parseUpstreamUrl', () => {
  it('lets the URL parser resolve dot segments before we read the id (they never reach a request)', () => {
    expect(parseUpstreamUrl('https://huggingface.co/%2e%2e/openai/whisper-tiny')).toEqual({ kind: 'hf-model', repo: 'openai/whisper-tiny' });
  });

  it.each([
    ['https://huggingface.co/google-bert/bert-base-uncased', { kind: 'hf-model', repo: 'google-bert/bert-base-uncased' }],
    ['https://huggingface.co/openai/whisper-tiny/tree/main', { kind: 'hf-model', repo: 'openai/whisper-tiny' }],
    ['https://huggingface.co/openai/whisper-tiny/blob/main/config.json', { kind: 'hf-model', repo: 'openai/whisper-tiny' }],
    ['https://huggingface.co/distilbert-base-uncased-distilled-squad', { kind: 'hf-model', repo: 'distilbert-base-uncased-distilled-squad' }],
    ['https://huggingface.co/bert-base-uncased/tree/main', { kind: 'hf-model', repo: 'bert-base-uncased' }],
    ['https://www.huggingface.co/microsoft/resnet-50/?x=1#top', { kind: 'hf-model', repo: 'microsoft/resnet-50' }],
    ['https://huggingface.co/models/lerobot/diffusion_pusht', { kind: 'hf-model', repo: 'lerobot/diffusion_pusht' }],
    ['https://huggingface.co/datasets/rajpurkar/squad', { kind: 'hf-dataset', repo: 'rajpurkar/squad' }],
    ['https://huggingface.co/datasets/ILSVRC/imagenet-1k/tree/main/data', { kind: 'hf-dataset', repo: 'ILSVRC/imagenet-1k' }],
    ['https://github.com/google-research/bert', { kind: 'github', owner: 'google-research', repo: 'bert', ref: null, subdir: null }],
    ['https://github.com/Parth1811/ptm-recommendation-with-transformers.git', { kind: 'github', owner: 'Parth1811', repo: 'ptm-recommendation-with-transformers', ref: null, subdir: null }],
    ['https://github.com/huggingface/transformers-research-projects/tree/main/distillation', { kind: 'github', owner: 'huggingface', repo: 'transformers-research-projects', ref: 'main', subdir: 'distillation' }],
    ['https://github.com/huggingface/lerobot/tree/main', { kind: 'github', owner: 'huggingface', repo: 'lerobot', ref: 'main', subdir: null }],
    ['https://github.com/openai/whisper/issues/12', { kind: 'github', owner: 'openai', repo: 'whisper', ref: null, subdir: null }],
    ['https://www.kaggle.com/datasets/hliang001/flickr2k', { kind: 'other', host: 'www.kaggle.com' }],
    ['https://huggingface.co/spaces/foo/bar', { kind: 'other', host: 'huggingface.co' }],
  ])('%s', (url, expected) => {
    expect(parseUpstreamUrl(url)).toEqual(expected);
  });

  it.each([
    'not a url',
    'ftp://huggingface.co/a/b',
    'file:///etc/passwd',
    'https://user:pw@huggingface.co/a/b',
    'https://huggingface.co/',
    'https://huggingface.co/datasets',
    'https://huggingface.co/a/..%2f..%2fapi',
    'https://huggingface.co/a%5cb/c',
    'https://huggingface.co/-bad/name',
    'https://huggingface.co/api/models',
    'https://github.com/openai',
    'https://github.com/open$ai/whisper',
    'https://github.com/openai/whisper/tree/ma%20in',
    'https://huggingface.co/a/%E0%A4%A',
    `https://huggingface.co/${'a'.repeat(3000)}`,
  ])('refuses %s', (url) => {
    expect(() => parseUpstreamUrl(url)).toThrow(InvalidUpstreamUrlError);
  });
});
