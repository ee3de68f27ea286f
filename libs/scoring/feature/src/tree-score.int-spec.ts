import { type LineageChangedV1, Topic } from '@modelguard/contracts';
import { createTestSchemaName, dropSchemas, expectEventually, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, published, type ScoringTestApp, startScoringTestApp, storedPackage } from '../test/scoring-test-app';

const schema = createTestSchemaName('scoring_tree');
let app: ScoringTestApp;
let seq = 0;
const newId = (kind: string) => `tree-${kind}-${Date.now().toString(36)}-${(seq += 1)}`;

const GOOD_CARD = [
  '---\nlicense: apache-2.0\nlibrary_name: transformers\npipeline_tag: text-classification\n---',
  '# Sentiment base\n\nA base model for sentiment classification, trained on reviews.',
  '## Usage\n\n```python\nfrom transformers import pipeline\nclf = pipeline("text-classification", model="acme/sentiment-base")\nprint(clf("great"))\n```',
  '## Evaluation\n\n| dataset | accuracy | f1 |\n|---|---|---|\n| sst2 | 91.2 | 90.8 |\n| imdb | 93.1 | 92.7 |',
].join('\n\n');
const JUNK_CARD = '# model\n\nThis model is a fine-tuned version of None on an unknown dataset.\n';

function ratingsOf(artifactId: string) {
  return published(app.broker, Topic.RatingComputed).filter((e) => e.payload.artifactId === artifactId);
}

async function store(name: string, readme: string, version = '1.0.0', artifactId = newId('model'), datasets?: string[]) {
  const metadata = { readme, license: 'apache-2.0', ...(datasets ? { datasets } : {}) };
  await deliver(app.broker, Topic.PackageStored, storedPackage({ artifactId, artifactType: 'model', name }, { version, metadata }), artifactId);
  return artifactId;
}

function lineageChanged(child: { id: string; name: string }, parents: Array<{ id: string; name: string }>, version = '1.0.0'): LineageChangedV1 {
  return {
    artifactId: child.id,
    artifactType: 'model',
    name: child.name,
    version,
    parents: parents.map((p) => ({ artifactId: p.id, artifactType: 'model', name: p.name, relationship: 'finetune', source: 'model_card' })),
    pending: [],
    pendingTruncated: false,
    changedAt: new Date().toISOString(),
  };
}

beforeAll(async () => {
  app = await startScoringTestApp({ schema });
});
afterAll(async () => {
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

/**
 * tree_score follows the lineage from events: a lineage-changed event re-rates the child with its parents' net
 * scores, and a parent rated again (a new version) re-rates its children, with no polling and nothing done twice.
 */
describe('event-driven tree scores', () => {
  it('re-rates a model when its lineage changes, and again when its parent is re-rated', async () => {
    const parentId = await store('sentiment-base', GOOD_CARD);
    const childId = await store('sentiment-finetune', GOOD_CARD);
    const first = await expectEventually(() => {
      expect(ratingsOf(childId)).toHaveLength(1);
      expect(ratingsOf(parentId)).toHaveLength(1);
      return ratingsOf(childId)[0]!.payload;
    });
    expect(first.fallbacks).toContain('tree_score');

    await deliver(app.broker, Topic.LineageChanged, lineageChanged({ id: childId, name: 'sentiment-finetune' }, [{ id: parentId, name: 'sentiment-base' }]), childId);
    const parentNet = ratingsOf(parentId)[0]!.payload.rating.net_score;
    const second = await expectEventually(() => {
      expect(ratingsOf(childId)).toHaveLength(2);
      return ratingsOf(childId)[1]!.payload;
    });
    expect(second.rating.tree_score).toBeCloseTo(parentNet, 2);
    expect(second.fallbacks).not.toContain('tree_score');
    expect(second.reasons.tree_score).toContain('sentiment-base');

    // The parent gets a new version with a junk card: its net_score drops, and the child follows.
    await store('sentiment-base', JUNK_CARD, '1.0.1', parentId);
    const third = await expectEventually(() => {
      expect(ratingsOf(parentId)).toHaveLength(2);
      expect(ratingsOf(childId)).toHaveLength(3);
      return ratingsOf(childId)[2]!.payload;
    }, { timeoutMs: 20_000 });
    const newParentNet = ratingsOf(parentId)[1]!.payload.rating.net_score;
    expect(newParentNet).toBeLessThan(parentNet);
    expect(third.rating.tree_score).toBeCloseTo(newParentNet, 2);
  });

  it('does not re-rate when the lineage event repeats the same parents, and ignores self-references', async () => {
    const parentId = await store('stable-base', GOOD_CARD);
    const childId = await store('stable-child', GOOD_CARD);
    await expectEventually(() => expect(ratingsOf(childId)).toHaveLength(1));
    const event = lineageChanged({ id: childId, name: 'stable-child' }, [{ id: parentId, name: 'stable-base' }, { id: childId, name: 'stable-child' }]);
    await deliver(app.broker, Topic.LineageChanged, event, childId);
    await expectEventually(() => expect(ratingsOf(childId)).toHaveLength(2));
    await deliver(app.broker, Topic.LineageChanged, { ...event, changedAt: new Date().toISOString() }, childId);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ratingsOf(childId)).toHaveLength(2);
    expect(ratingsOf(childId)[1]!.payload.reasons.tree_score).toMatch(/1 parent/);
  });

  it('records the parents of a model it has not stored yet, and uses them for its first rating', async () => {
    const parentId = await store('early-base', GOOD_CARD);
    await expectEventually(() => expect(ratingsOf(parentId)).toHaveLength(1));
    const childId = newId('model');
    await deliver(app.broker, Topic.LineageChanged, lineageChanged({ id: childId, name: 'late-child' }, [{ id: parentId, name: 'early-base' }]), childId);
    await store('late-child', GOOD_CARD, '1.0.0', childId);
    const rating = await expectEventually(() => {
      expect(ratingsOf(childId)).toHaveLength(1);
      return ratingsOf(childId)[0]!.payload;
    });
    expect(rating.fallbacks).not.toContain('tree_score');
  });

  it('re-rates a model when a dataset its card names is registered after it (the lineage event lists it)', async () => {
    const childId = await store('needs-data', `${GOOD_CARD}\n\nTrained on acme/review-corpus.`, '1.0.0', newId('model'), ['acme/review-corpus']);
    const first = await expectEventually(() => {
      expect(ratingsOf(childId)).toHaveLength(1);
      return ratingsOf(childId)[0]!.payload;
    });
    expect(first.fallbacks).toContain('dataset_quality');
    const datasetId = newId('dataset');
    const dataset = storedPackage({ artifactId: datasetId, artifactType: 'dataset', name: 'review-corpus' }, {
      url: 'https://huggingface.co/datasets/acme/review-corpus',
      metadata: { readme: '# Review corpus\n\n## Dataset Summary\n\n100k product reviews with star ratings.\n\n## Dataset Structure\n\nFields: text, stars.\n', license: 'cc-by-4.0' },
    });
    await deliver(app.broker, Topic.PackageStored, dataset, datasetId);
    const event = lineageChanged({ id: childId, name: 'needs-data' }, []);
    event.parents = [{ artifactId: datasetId, artifactType: 'dataset', name: 'review-corpus', relationship: 'fine_tuning_dataset', source: 'model_card' }];
    await deliver(app.broker, Topic.LineageChanged, event, childId);
    const second = await expectEventually(() => {
      expect(ratingsOf(childId)).toHaveLength(2);
      return ratingsOf(childId)[1]!.payload;
    });
    expect(second.fallbacks).not.toContain('dataset_quality');
    expect(second.rating.dataset_quality).toBeGreaterThan(0);
    expect(second.fallbacks).toContain('tree_score');
  });
});
