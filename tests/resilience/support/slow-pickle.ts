/**
 * A benign protocol-4 pickle of about `bytes` bytes that is slow to scan for its size: a list of small dicts
 * ({'id': i, 'name': 'item-i', 'score': 0.5}) in APPENDS batches of 1000, byte for byte what pickle.dumps would
 * write (the same layout as bench/scan/make_files.py's many_objects). Opcode-dense input keeps the scanner's
 * pickle VM busy for a second or so per few MiB, long enough to kill a worker in the middle of a scan.
 */
export function slowPickleBody(bytes: number): Buffer {
  const parts: Buffer[] = [];
  let written = 0;
  let i = 0;
  const int32 = Buffer.alloc(4);
  const score = Buffer.alloc(8);
  score.writeDoubleBE(0.5);
  while (written < bytes) {
    const batch: Buffer[] = [Buffer.from('(', 'latin1')];
    for (let k = 0; k < 1000; k += 1, i += 1) {
      // The first dict memoizes its keys (memo 2, 3, 5); every later one fetches them with BINGET.
      const keys = i === 0 ? ['\x8c\x02id\x94', '\x8c\x04name\x94', '\x8c\x05score\x94'] : ['h\x02', 'h\x03', 'h\x05'];
      const name = `item-${i}`;
      int32.writeInt32LE(i & 0x7fffffff);
      batch.push(Buffer.from(`}\x94(${keys[0]}J`, 'latin1'), Buffer.from(int32));
      batch.push(Buffer.from(`${keys[1]}\x8c${String.fromCharCode(name.length)}${name}\x94${keys[2]}G`, 'latin1'), Buffer.from(score), Buffer.from('u', 'latin1'));
    }
    batch.push(Buffer.from('e', 'latin1'));
    const chunk = Buffer.concat(batch);
    parts.push(chunk);
    written += chunk.length;
  }
  return Buffer.concat(parts);
}

/**
 * The whole pickle around a shared body: `tag` is appended to the list first (not memoized, so the body's memo
 * indices hold), which makes every package's blob distinct and keeps the per-blob scan cache from answering.
 */
export function slowPickle(body: Buffer, tag: string): Buffer {
  const tagBytes = Buffer.from(tag, 'latin1');
  if (tagBytes.length > 255) throw new Error('tag too long for SHORT_BINUNICODE');
  return Buffer.concat([Buffer.from('\x80\x04]\x94\x8c', 'latin1'), Buffer.from([tagBytes.length]), tagBytes, Buffer.from('a', 'latin1'), body, Buffer.from('.', 'latin1')]);
}
