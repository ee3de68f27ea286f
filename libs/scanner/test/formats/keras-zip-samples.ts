/**
 * Test-only zip writer for the Keras v3 archive tests. yazl and Python's zipfile refuse to write the tricks
 * that matter here (local/central name mismatch, wrong CRC, symlink mode bits, lying sizes), so the
 * headers are written by hand; every field not under test is a plain, valid value.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipMemberSpec {
  name: string;
  data: Buffer | string;
  /** Name written in the local header instead of `name` (what PyTorch/miniz read vs Python's zipfile). */
  localName?: string;
  /** CRC-32 written in both headers instead of the real one. */
  crc?: number;
  /** Unix st_mode stored in the external attributes (the entry is then marked "made by Unix"). */
  unixMode?: number;
  deflate?: boolean;
  /** Uncompressed size declared in both headers instead of the real one (bomb / size lies). */
  declaredSize?: number;
}

const DOS_DATE_1980 = 0x21;

export function buildZip(members: readonly ZipMemberSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const raw = typeof m.data === 'string' ? Buffer.from(m.data, 'utf8') : m.data;
    const body = m.deflate ? deflateRawSync(raw) : raw;
    const crc = m.crc ?? crc32(raw) >>> 0;
    const size = m.declaredSize ?? raw.length;
    const method = m.deflate ? 8 : 0;
    const name = Buffer.from(m.name, 'utf8');
    const localName = Buffer.from(m.localName ?? m.name, 'utf8');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_DATE_1980, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    locals.push(local, localName, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(m.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_DATE_1980, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((m.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + localName.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, eocd]);
}

/** A small Keras 3 functional-model config the analyzer considers clean. */
export const BENIGN_KERAS3_CONFIG = JSON.stringify({
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4], dtype: 'float32', name: 'input_layer' }, registered_name: null },
      { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'relu' }, registered_name: null },
    ],
  },
  registered_name: null,
});

export const KERAS3_METADATA = JSON.stringify({ keras_version: '3.6.0', date_saved: '2026-01-01@00:00:00' });

/** The three members Keras writes, in its order, with `weights` as model.weights.h5. */
export function kerasMembers(weights: Buffer, opts: { deflateWeights?: boolean } = {}): ZipMemberSpec[] {
  return [
    { name: 'metadata.json', data: KERAS3_METADATA, deflate: true },
    { name: 'config.json', data: BENIGN_KERAS3_CONFIG, deflate: true },
    { name: 'model.weights.h5', data: weights, deflate: opts.deflateWeights ?? false },
  ];
}
