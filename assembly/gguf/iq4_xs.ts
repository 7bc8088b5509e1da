// IQ4_XS: super-blocks of 256 values: fp16 d, 16 bits of high scale bits, 4 bytes of low scale bits,
// then eight runs of 16 bytes of IQ4_NL codebook indices; run i has the 6-bit scale
// (low nibble i of the 4 bytes | high bit pair i) and x = d * (scale - 32) * codebook[index].
import { loadF16 } from "./common";
import { dequantizeIq4Run, quantizeIq4 } from "./iq4_nl";
import { setD, setNibbleCodes, setScale } from "./unpacked";

export const IQ4_XS_BYTES = 136;

// Run i (32 values) of a super-block with scale high bits `high` and fp16 d.
// @ts-ignore: decorator
@inline function run(block: usize, high: i32, d: f32, i: i32, out: usize): void {
  const low = (<i32>load<u8>(block + 4 + <usize>(i >> 1)) >> ((i & 1) * 4)) & 0xf;
  const scale = low | (((high >> (2 * i)) & 3) << 4);
  dequantizeIq4Run(block + 8 + <usize>i * 16, d * <f32>(scale - 32), out + (<usize>i << 7));
}

export function dequantizeIQ4_XS(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * IQ4_XS_BYTES;
    const d = loadF16(block);
    const high = <i32>load<u16>(block + 2);
    if (ASC_FEATURE_SIMD) {
      // The eight runs written out, so that their shifts are constants.
      const out = y + (<usize>b << 10);
      run(block, high, d, 0, out);
      run(block, high, d, 1, out);
      run(block, high, d, 2, out);
      run(block, high, d, 3, out);
      run(block, high, d, 4, out);
      run(block, high, d, 5, out);
      run(block, high, d, 6, out);
      run(block, high, d, 7, out);
      continue;
    }
    for (let i = 0; i < 8; i++) run(block, high, d, i, y + (<usize>b << 10));
  }
}

// ggml's quantizer, weighted by x^2 (qw 0: the reference) or by the importance weights qw.
export function quantizeIQ4_XS(x: usize, out: usize, blocks: i32, qw: usize): void {
  for (let b = 0; b < blocks; b++) {
    const dst = out + <usize>b * IQ4_XS_BYTES;
    quantizeIq4(256, x + (<usize>b << 10), dst, dst + 8, dst + 2, qw ? qw + (<usize>b << 10) : 0, 7);
  }
}

/** Codebook indices, the scale (6 bits - 32) of every 16 values and d, for the dot-product packer. */
export function unpackIQ4_XS(block: usize): void {
  const high = <i32>load<u16>(block + 2);
  for (let i = 0; i < 8; i++) {
    setNibbleCodes(block + 8 + <usize>(16 * i), 32 * i);
    const low = (<i32>load<u8>(block + 4 + <usize>(i >> 1)) >> ((i & 1) * 4)) & 0xf;
    const s = (low | (((high >> (2 * i)) & 3) << 4)) - 32;
    setScale(2 * i, s, 0);
    setScale(2 * i + 1, s, 0);
  }
  setD(0, loadF16(block), 0);
}
