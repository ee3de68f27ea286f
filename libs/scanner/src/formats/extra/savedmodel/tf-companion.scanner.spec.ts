import { describe, expect, it } from 'vitest';
import { encode, type PbField } from '../../../../test/formats/protobuf-encoder';
import { benignSavedModel } from '../../../../test/formats/savedmodel-samples';
import { bufferInput, fuzzScanner, ruleIds, scanBuffer } from '../../../../test/formats/scan-harness';
import { savedModelScanner } from './savedmodel.scanner';
import { tfCompanionScanner } from './tf-companion.scanner';

/** keras_metadata.pb: SavedMetadata{ nodes=1: SavedObject{ node_id=2, node_path=3, identifier=4, metadata=5 } }. */
function kerasMetadata(layers: unknown[]): Buffer {
  return encode(
    layers.map((meta, i): PbField => ({
      n: 1,
      msg: [{ n: 2, varint: i }, { n: 3, bytes: i === 0 ? 'root' : `root.layer-${i}` }, { n: 4, bytes: i === 0 ? '_tf_keras_sequential' : '_tf_keras_layer' }, { n: 5, bytes: JSON.stringify(meta) }],
    })),
  );
}

/** variables.index: first entry (empty key) holds BundleHeaderProto{num_shards: 1, version{producer: 1}}, footer magic last. */
const tableIndex = (start: Buffer = Buffer.from([0x00, 0x00, 0x06, 0x08, 0x01, 0x1a, 0x02, 0x08, 0x01])): Buffer => {
  const b = Buffer.alloc(96, 0x11);
  start.copy(b, 0);
  b.writeBigUInt64LE(0xdb4775248b80fb57n, 88);
  return b;
};
const fingerprint = (): Buffer => encode([{ n: 1, varint: 123456789n }, { n: 2, varint: 42 }, { n: 3, varint: 7 }, { n: 4, varint: 9 }, { n: 5, varint: 11 }, { n: 6, msg: [{ n: 1, varint: 1 }] }]);

async function claims(sample: Buffer): Promise<boolean> {
  return tfCompanionScanner.canHandle(sample.subarray(0, 4096), bufferInput(sample));
}

describe('tfCompanionScanner', () => {
  it('recognises variables.index and fingerprint.pb as harmless SavedModel companions', async () => {
    for (const sample of [tableIndex(), fingerprint()]) {
      expect(await claims(sample)).toBe(true);
      expect(await scanBuffer(tfCompanionScanner, sample)).toEqual([]);
    }
  });

  it('does not wave through a zip or text pickle that forges the index footer', async () => {
    expect(await claims(tableIndex(Buffer.from('PK\x03\x04\x14\x00', 'latin1')))).toBe(false);
    expect(await claims(tableIndex(Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1')))).toBe(false);
  });

  it('keeps benign keras_metadata.pb clean and flags Lambda bytecode in it', async () => {
    const benign = kerasMetadata([{ class_name: 'Sequential', name: 'sequential' }, { class_name: 'Dense', config: { units: 4 } }]);
    expect(await claims(benign)).toBe(true);
    expect(await scanBuffer(tfCompanionScanner, benign)).toEqual([]);
    const evil = kerasMetadata([{ class_name: 'Sequential' }, { class_name: 'Lambda', config: { function: ['4wEAAAAA', null, null], function_type: 'lambda' } }]);
    const findings = await scanBuffer(tfCompanionScanner, evil);
    expect(ruleIds(findings)).toEqual(['keras.lambda-bytecode']);
    expect(findings[0]!.message).toContain('keras_metadata.pb object #2');
  });

  it('leaves saved_model.pb to the SavedModel scanner', async () => {
    const sm = benignSavedModel();
    expect(await claims(sm)).toBe(false);
    expect(savedModelScanner.canHandle(sm.subarray(0, 4096), bufferInput(sm))).toBe(true);
  });

  it('survives 300 seeded mutations of keras_metadata.pb', async () => {
    const evil = kerasMetadata([{ class_name: 'Sequential' }, { class_name: 'Lambda', config: { function: ['4wEAAAAA', null, null], function_type: 'lambda' } }]);
    const result = await fuzzScanner(tfCompanionScanner, evil, 300, 31);
    expect(result.maxMs).toBeLessThan(2000);
  });
});
