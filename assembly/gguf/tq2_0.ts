// TQ2_0: super-blocks of 256 ternary values: 64 bytes of 2-bit codes then fp16 d; x = (q - 1) * d.
// Each 32 bytes hold 128 values: bit pair l of byte m is value 32 l + m.
import { absMax, bitPairs, byteConst, castInt, loadF16, roundAway, storeF16, storeScaled16, ternary16 } from "./common";
import { setCode, setD } from "./unpacked";

export const TQ2_0_BYTES = 66;

export function dequantizeTQ2_0(src: usize, y: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * TQ2_0_BYTES;
    const d = loadF16(block + 64);
    let out = y + (<usize>b << 10);
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d), one = byteConst(1);
      for (let j = 0; j < 64; j += 32) {
        const v0 = v128.load(block + <usize>j), v1 = v128.load(block + <usize>j, 16);
        for (let l = 0; l < 4; l++) {
          storeScaled16(out, i8x16.sub(bitPairs(v0, 2 * l), one), vd);
          storeScaled16(out + 64, i8x16.sub(bitPairs(v1, 2 * l), one), vd);
          out += 128;
        }
      }
      continue;
    }
    for (let j = 0; j < 64; j += 32) {
      for (let l = 0; l < 4; l++) {
        for (let m = 0; m < 32; m++) {
          store<f32>(out, <f32>(((<i32>load<u8>(block + <usize>(j + m)) >> (l * 2)) & 3) - 1) * d);
          out += 4;
        }
      }
    }
  }
}

// ggml's reference quantizer: d = max |x|, codes round(x / d) + 1.
export function quantizeTQ2_0(x: usize, out: usize, blocks: i32): void {
  for (let b = 0; b < blocks; b++) {
    const src = x + (<usize>b << 10), dst = out + <usize>b * TQ2_0_BYTES;
    const d = absMax(src, 256);
    const id: f32 = d != 0 ? 1 / d : 0;
    storeF16(dst + 64, d);
    if (ASC_FEATURE_SIMD && id + id < Infinity) {
      // |x * id| <= 1: codes q + 1 in 0 .. 2, four of them per byte by int16 shifts (no bit crosses a byte).
      const vid = f32x4.splat(id + id);
      for (let j = 0; j < 2; j++) {
        for (let m = 0; m < 32; m += 16) {
          const p = src + (<usize>(128 * j + m) << 2);
          const q0 = ternary16(p, vid), q1 = ternary16(p + 128, vid), q2 = ternary16(p + 256, vid), q3 = ternary16(p + 384, vid);
          v128.store(dst + <usize>(32 * j + m), v128.or(v128.or(q0, i16x8.shl(q1, 2)), v128.or(i16x8.shl(q2, 4), i16x8.shl(q3, 6))));
        }
      }
      continue;
    }
    for (let j = 0; j < 2; j++) {
      for (let m = 0; m < 32; m++) {
        let q = 0;
        for (let n = 0; n < 4; n++) q += ((castInt(roundAway(load<f32>(src + (<usize>(128 * j + m + n * 32) << 2)) * id)) + 1) & 3) << (2 * n);
        store<u8>(dst + <usize>(32 * j + m), <u8>q);
      }
    }
  }
}

/** 2-bit indices (the table is q - 1) and d, for the dot-product packer. */
export function unpackTQ2_0(block: usize): void {
  for (let j = 0; j < 2; j++) {
    for (let l = 0; l < 4; l++) {
      for (let m = 0; m < 32; m++) setCode(128 * j + 32 * l + m, (<i32>load<u8>(block + <usize>(32 * j + m)) >> (2 * l)) & 3);
    }
  }
  setD(0, loadF16(block + 64), 0);
}
