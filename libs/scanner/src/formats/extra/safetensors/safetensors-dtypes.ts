/**
 * Element sizes in bits of every dtype the reference `safetensors` crate accepts. Bits (not bytes)
 * because the FP4/FP6 micro-scaling types pack several elements per byte.
 */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = Object.freeze({
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  I64: 64,
  U64: 64,
  F64: 64,
  C64: 64,
});

export function dtypeBits(dtype: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(SAFETENSORS_DTYPE_BITS, dtype) ? SAFETENSORS_DTYPE_BITS[dtype] : undefined;
}
