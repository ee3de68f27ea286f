import { describe, expect, it } from 'vitest';
import { boundedJson, extractConfig, normaliseBaseModel, parseFrontMatter } from './card-metadata';

describe('parseFrontMatter', () => {
  it('reads scalar and list keys we use, ignoring nested structures and other keys', () => {
    const readme = [
      '---',
      'license: apache-2.0',
      'base_model: "google/vit-base-patch16-224"',
      'datasets:',
      '- bookcorpus',
      "- 'wikipedia'",
      'model-index:',
      '- name: x',
      '  results: []',
      'widget:',
      '  - text: hi',
      '---',
      '# Title',
    ].join('\n');
    expect(parseFrontMatter(readme)).toEqual({ license: 'apache-2.0', base_model: 'google/vit-base-patch16-224', datasets: ['bookcorpus', 'wikipedia'] });
  });

  it('returns nothing for cards without (or with unterminated) front matter', () => {
    expect(parseFrontMatter('# just a title\n')).toEqual({});
    expect(parseFrontMatter('---\nlicense: mit\n')).toEqual({});
  });
});

describe('extractConfig', () => {
  it('keeps the lineage and architecture fields only, bounded', () => {
    const config = JSON.stringify({ _name_or_path: 'google/vit-base-patch16-224', architectures: ['ViTForImageClassification', 7], model_type: 'vit', hidden_size: 768, id2label: { 0: 'a' } });
    expect(extractConfig(config)).toEqual({ _name_or_path: 'google/vit-base-patch16-224', architectures: ['ViTForImageClassification'], model_type: 'vit' });
    expect(extractConfig(JSON.stringify({ model_type: 'x'.repeat(2000) })).model_type).toHaveLength(512);
  });

  it('reports broken config.json instead of throwing', () => {
    expect(extractConfig('{not json')).toEqual({ parseError: 'config.json is not valid JSON' });
    expect(extractConfig('[1,2]')).toEqual({ parseError: 'config.json is not an object' });
    expect(extractConfig('null')).toEqual({ parseError: 'config.json is not an object' });
  });
});

describe('normaliseBaseModel / boundedJson', () => {
  it('normalises card values to a list of ids', () => {
    expect(normaliseBaseModel('a/b')).toEqual(['a/b']);
    expect(normaliseBaseModel(['a/b', 3, '', 'c/d'])).toEqual(['a/b', 'c/d']);
    expect(normaliseBaseModel(undefined)).toEqual([]);
  });

  it('drops oversized JSON', () => {
    expect(boundedJson({ a: 1 }, 100)).toEqual({ a: 1 });
    expect(boundedJson({ a: 'x'.repeat(200) }, 100)).toBeUndefined();
  });
});
