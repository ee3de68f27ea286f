import { deflateRawSync } from 'node:zlib';
import { crc32 } from 'node:zlib';

/**
 * A deliberately naive zip writer for tests: it writes exactly what it is told, including lies
 * (wrong sizes, hostile names, symlink modes, encryption flags, overlapping entries) that real writers refuse to produce.
 */
export interface RawEntry {
  name: string | Buffer;
  data?: Buffer;
  method?: 0 | 8;
  /** Override the uncompressed size written in the headers. */
  declaredSize?: number;
  flags?: number;
  versionMadeBy?: number;
  externalAttr?: number;
  /** Point this central-directory record at an earlier entry's local header (Fifield-style overlap). */
  reuseLocalOf?: number;
  /** Streamed style: flag bit 3, zeros for CRC and sizes in the local header, a data descriptor after the data. */
  descriptor?: boolean;
}

export function buildRawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  const sizes: Array<{ compressed: number; crc: number }> = [];
  let offset = 0;
  entries.forEach((entry, index) => {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const data = entry.data ?? Buffer.alloc(0);
    const method = entry.method ?? 0;
    const body = method === 8 ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const declared = entry.declaredSize ?? data.length;
    const flags = (entry.flags ?? 0) | 0x0800 | (entry.descriptor ? 0x0008 : 0);
    let localOffset = offset;
    let compressed = body.length;
    let entryCrc = crc;
    if (entry.reuseLocalOf != null) {
      localOffset = offsets[entry.reuseLocalOf];
      compressed = sizes[entry.reuseLocalOf].compressed;
      entryCrc = sizes[entry.reuseLocalOf].crc;
    } else {
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(flags, 6);
      local.writeUInt16LE(method, 8);
      if (!entry.descriptor) {
        local.writeUInt32LE(crc, 14);
        local.writeUInt32LE(body.length, 18);
        local.writeUInt32LE(declared, 22);
      }
      local.writeUInt16LE(name.length, 26);
      locals.push(local, name, body);
      offset += 30 + name.length + body.length;
      if (entry.descriptor) {
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(crc, 4);
        descriptor.writeUInt32LE(body.length, 8);
        descriptor.writeUInt32LE(declared, 12);
        locals.push(descriptor);
        offset += 16;
      }
    }
    offsets[index] = localOffset;
    sizes[index] = { compressed, crc: entryCrc };
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(entry.versionMadeBy ?? 0x0314, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(entryCrc, 16);
    cd.writeUInt32LE(compressed, 20);
    cd.writeUInt32LE(declared, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(entry.externalAttr ?? (0o100644 << 16) >>> 0, 38);
    cd.writeUInt32LE(localOffset, 42);
    central.push(cd, name);
  });
  const cdBuf = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, eocd]);
}
