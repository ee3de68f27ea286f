/** Reads a response body as UTF-8 text, refusing (and cancelling) it as soon as it passes `maxBytes`. */
export async function readBoundedText(res: Response, maxBytes: number): Promise<{ text: string } | { tooLarge: true }> {
  if (res.body === null) return { text: '' };
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel();
    return { tooLarge: true };
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { tooLarge: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}
