import { describe, expect, it } from 'vitest';
import { codeKeysNamedBy, datasetKeysNamedBy, frontMatterDatasets, githubKeysIn, matchKeysOf } from './package-links';

describe('package links', () => {
  it('keys a code artifact by its GitHub repository, whatever the URL shape', () => {
    expect(matchKeysOf({ type: 'code', name: 'bert', url: 'https://github.com/Google-Research/bert', metadata: {} })).toEqual(['github:google-research/bert']);
    expect(matchKeysOf({ type: 'code', name: 'x', url: 'https://github.com/huggingface/transformers.git', metadata: {} })).toEqual(['github:huggingface/transformers']);
    expect(matchKeysOf({ type: 'code', name: 'x', url: 'https://github.com/a/b/tree/main/src', metadata: {} })).toEqual(['github:a/b']);
  });

  it('keys a dataset by its name, its repo id and the id\'s last segment', () => {
    const keys = matchKeysOf({ type: 'dataset', name: 'bookcorpus', url: 'https://huggingface.co/datasets/bookcorpus/bookcorpus', metadata: {} });
    expect(keys.sort()).toEqual(['dataset:bookcorpus', 'dataset:bookcorpus/bookcorpus']);
    const upstream = matchKeysOf({ type: 'dataset', name: 'squad-v2', url: 'https://example.org/x', metadata: { upstream: { repo: 'rajpurkar/SQuAD_v2' } } });
    expect(upstream.sort()).toEqual(['dataset:rajpurkar/squad_v2', 'dataset:squad-v2', 'dataset:squad_v2']);
  });

  it('gives a model no keys of its own (models are never linked as code or data)', () => {
    expect(matchKeysOf({ type: 'model', name: 'bert', url: 'https://huggingface.co/bert', metadata: {} })).toEqual([]);
  });

  it('finds the repositories a card mentions, deduplicated and bounded', () => {
    const readme = 'Code: https://github.com/google-research/bert. See also [repo](https://github.com/google-research/bert) and github.com/openai/whisper.git';
    expect(codeKeysNamedBy({ readme })).toEqual(['github:google-research/bert', 'github:openai/whisper']);
    const flood = Array.from({ length: 500 }, (_, i) => `https://github.com/o/r${i}`).join(' ');
    expect(githubKeysIn(flood)).toHaveLength(200);
  });

  it('names datasets from the typed metadata and the front matter', () => {
    expect(datasetKeysNamedBy({ datasets: ['bookcorpus'], card: { datasets: ['wikipedia', 'openai/librispeech'] } }).sort()).toEqual([
      'dataset:bookcorpus',
      'dataset:librispeech',
      'dataset:openai/librispeech',
      'dataset:wikipedia',
    ]);
    expect(datasetKeysNamedBy({})).toEqual([]);
  });

  it("reads `datasets` from an uploaded README's front matter when the event carried no parsed card", () => {
    const readme = '---\nlicense: mit\ndatasets:\n  - acme/corpus-x\n  - squad\n---\n# Model\n';
    expect(datasetKeysNamedBy({ readme }).sort()).toEqual(['dataset:acme/corpus-x', 'dataset:corpus-x', 'dataset:squad']);
    expect(frontMatterDatasets('---\ndatasets: wikipedia\n---\n')).toEqual(['wikipedia']);
    expect(frontMatterDatasets('---\ndatasets: [unclosed\n---\n')).toEqual([]);
    expect(frontMatterDatasets('# no front matter\ndatasets: [x]')).toEqual([]);
  });
});
