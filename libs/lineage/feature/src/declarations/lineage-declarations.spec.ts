import { describe, expect, it } from 'vitest';
import {
  BERT_IMDB_FINETUNE,
  IMAGENET_1K,
  OPT_LORA_ADAPTER,
  RESNET_50,
  type StoredFixture,
  TRAINED_GENDER,
  TRAINED_GENDER_ONNX,
} from '../../test/lineage-fixtures';
import { MAX_DECLARED_PARENTS, readLineageDeclarations } from './lineage-declarations';

const declare = (f: StoredFixture, metadata = f.metadata) =>
  readLineageDeclarations({ type: f.kind ?? 'model', identity: f.repo, hasContent: true }, metadata);
const parentsOf = (f: StoredFixture, metadata = f.metadata) =>
  declare(f, metadata).parents.map((p) => ({ kind: p.kind, id: p.upstreamId, relationship: p.relationship, source: p.source }));

describe('lineage declarations of real cards', () => {
  it('resnet-50 names no parent model, only its dataset; its config.json was read', () => {
    const d = declare(RESNET_50);
    expect(parentsOf(RESNET_50)).toEqual([{ kind: 'dataset', id: 'imagenet-1k', relationship: 'fine_tuning_dataset', source: 'model_card' }]);
    expect(d).toMatchObject({ status: 'ok', lineageSource: 'config_json', problems: [], truncated: false });
  });

  it('a fine-tune of bert-base-uncased names its one parent from config.json', () => {
    expect(parentsOf(BERT_IMDB_FINETUNE)).toEqual([{ kind: 'model', id: 'bert-base-uncased', relationship: 'base_model', source: 'config_json' }]);
  });

  it('the card decides before config.json: one trained-gender parent, a fine-tune read from the card', () => {
    expect(parentsOf(TRAINED_GENDER)).toEqual([{ kind: 'model', id: 'google/vit-base-patch16-224', relationship: 'finetune', source: 'model_card' }]);
  });

  it('an ONNX export takes its relation from the card', () => {
    expect(parentsOf(TRAINED_GENDER_ONNX)).toEqual([{ kind: 'model', id: 'crangana/trained-gender', relationship: 'quantized', source: 'model_card' }]);
  });

  it('an adapter names its base through adapter_config.json', () => {
    expect(parentsOf(OPT_LORA_ADAPTER)).toEqual([{ kind: 'model', id: 'facebook/opt-350m', relationship: 'adapter', source: 'adapter_config' }]);
    expect(declare(OPT_LORA_ADAPTER)).toMatchObject({ status: 'ok', lineageSource: 'adapter_config' });
  });

  it('without ingest-derived base models, the card relation is used, or base_model when the card states none', () => {
    const metadata = { card: { base_model: ['org/a', 'org/b'], base_model_relation: 'merge' as const } };
    expect(parentsOf(TRAINED_GENDER, metadata).map((p) => p.relationship)).toEqual(['merge', 'merge']);
    expect(parentsOf(TRAINED_GENDER, { card: { base_model: ['org/a'] } })[0]).toMatchObject({ relationship: 'base_model', source: 'model_card' });
  });

  it('code and datasets have no parents of their own', () => {
    expect(declare(IMAGENET_1K)).toEqual({ parents: [], codeKeys: [], problems: [], status: 'ok', lineageSource: 'registration', truncated: false });
  });

  it('collects the GitHub repositories the card mentions as code to link', () => {
    const readme = '# Model\nTraining code: https://github.com/google-research/bert\n';
    expect(declare(BERT_IMDB_FINETUNE, { ...BERT_IMDB_FINETUNE.metadata, readme }).codeKeys).toEqual(['github:google-research/bert']);
  });
});

describe('lineage declarations of bad metadata', () => {
  it('a config.json that is not JSON, with nothing else to read: unreadable, with the reason', () => {
    const d = declare(BERT_IMDB_FINETUNE, { config: { parseError: 'config.json is not valid JSON' }, card: {} });
    expect(d).toMatchObject({ status: 'unreadable', parents: [], problems: [{ source: 'config_json', message: 'config.json is not valid JSON' }] });
  });

  it('a broken config.json next to a readable card: partial, the card parents kept', () => {
    const d = declare(TRAINED_GENDER, { ...TRAINED_GENDER.metadata, config: { parseError: 'config.json is not valid JSON' } });
    expect(d.status).toBe('partial');
    expect(d.parents.map((p) => p.upstreamId)).toEqual(['google/vit-base-patch16-224']);
  });

  it('no structured metadata at all, or no content: unreadable, never an empty lineage', () => {
    expect(declare(BERT_IMDB_FINETUNE, {})).toMatchObject({ status: 'unreadable', problems: [{ source: 'registration' }] });
    const metadataOnly = readLineageDeclarations({ type: 'model', identity: 'acme/x', hasContent: false }, { note: 'hosted on kaggle.com' });
    expect(metadataOnly.problems[0]?.message).toContain('no package content (hosted on kaggle.com)');
  });

  it('records and drops a self-reference, a URL to another host and a too long id; keeps the good parent', () => {
    const config = {
      _name_or_path: 'textattack/bert-base-uncased-imdb',
      base_model: ['https://evil.example.com/payload', 'y'.repeat(300), 'https://huggingface.co/google-bert/bert-base-uncased'],
    };
    const d = declare(BERT_IMDB_FINETUNE, { config });
    expect(d.parents.map((p) => p.upstreamId)).toEqual(['google-bert/bert-base-uncased']);
    expect(d.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('another host (evil.example.com)'),
      expect.stringContaining('300 characters'),
      expect.stringContaining('names the model itself'),
    ]);
    // One unusable value does not make a readable file unreadable.
    expect(d.status).toBe('ok');
  });

  it('keeps the first parents of metadata naming thousands, and says so', () => {
    const repos = Array.from({ length: 10_000 }, (_, i) => `org/parent-${i}`);
    const d = declare(BERT_IMDB_FINETUNE, { config: { base_model: repos } });
    expect(d.parents).toHaveLength(MAX_DECLARED_PARENTS);
    expect(d.truncated).toBe(true);
    expect(d.problems.at(-1)?.message).toBe(`the metadata names 10000 parents; the first ${MAX_DECLARED_PARENTS} were kept`);
  });

  it('names each parent once, the first source deciding how it relates', () => {
    const metadata = {
      card: { base_model: ['crangana/trained-gender'], base_model_relation: 'quantized' as const },
      config: { _name_or_path: 'Crangana/Trained-Gender' },
      datasets: ['squad', 'squad'],
    };
    expect(parentsOf(TRAINED_GENDER_ONNX, metadata)).toEqual([
      { kind: 'model', id: 'crangana/trained-gender', relationship: 'quantized', source: 'model_card' },
      { kind: 'dataset', id: 'squad', relationship: 'fine_tuning_dataset', source: 'model_card' },
    ]);
  });
});
