import { describe, expect, it } from 'vitest';
import { baseModelsOf, boundedJson, cardFrontMatterOf, extractAdapterConfig, extractConfig, normaliseBaseModel, parseFrontMatter } from './card-metadata';

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

describe('extractAdapterConfig / cardFrontMatterOf / baseModelsOf', () => {
  it('reads the base model of a PEFT adapter', () => {
    expect(extractAdapterConfig(JSON.stringify({ base_model_name_or_path: 'meta-llama/Llama-2-7b-hf', peft_type: 'LORA', r: 8 }))).toEqual({
      base_model_name_or_path: 'meta-llama/Llama-2-7b-hf',
      peft_type: 'LORA',
    });
    expect(extractAdapterConfig('nope')).toEqual({ parseError: 'adapter_config.json is not valid JSON' });
  });

  it('types the card front matter, dropping what does not fit', () => {
    const card = cardFrontMatterOf({ license: ['mit', 'apache-2.0'], base_model: 'a/b', base_model_relation: 'bogus', datasets: ['d/1', 7], language: 'en', tags: 'x', extra: 1 });
    expect(card).toEqual({ license: 'mit', base_model: ['a/b'], datasets: ['d/1'], language: ['en'], tags: ['x'] });
  });

  it('takes the relation from the card, else infers it like the Hub does', () => {
    expect(baseModelsOf({ base_model: ['a/b'], base_model_relation: 'quantized' }, undefined, [])).toEqual([{ repo: 'a/b', relation: 'quantized' }]);
    expect(baseModelsOf({}, { base_model_name_or_path: 'a/b' }, ['adapter_config.json'])).toEqual([{ repo: 'a/b', relation: 'adapter' }]);
    expect(baseModelsOf({ base_model: ['a/b'] }, undefined, ['model-Q4.gguf'])).toEqual([{ repo: 'a/b', relation: 'quantized' }]);
    expect(baseModelsOf({ base_model: ['a/b', 'c/d'] }, undefined, [])).toEqual([
      { repo: 'a/b', relation: 'merge' },
      { repo: 'c/d', relation: 'merge' },
    ]);
    expect(baseModelsOf({ base_model: ['a/b'] }, undefined, ['model.safetensors'])).toEqual([{ repo: 'a/b', relation: 'finetune' }]);
    expect(baseModelsOf({}, { base_model_name_or_path: '/home/me/llama' }, [])).toEqual([]);
  });
});
