// Feature detection with WebAssembly.validate on tiny modules that contain the very instructions the
// kernels use: engines have shipped partial relaxed SIMD (JavaScriptCore behind a flag validates
// swizzle but not the dot products), so probing any other opcode would lie.

export interface Features {
  /** The host runs the `simd` build (WebAssembly SIMD128). */
  simd: boolean;
  /**
   * The host runs the `relaxed` build: it validates the relaxed instructions that build uses and,
   * once the build has been instantiated here, computed the load-time self-test correctly.
   */
  relaxedSimd: boolean;
}

const V128_CONST_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const simdOp = (op: number) => [0xfd, ...leb128(op)];

// Each group pushes its operands, applies one instruction, drops the result.
const SIMD_BODY = [
  ...V128_CONST_ZERO, ...V128_CONST_ZERO, ...simdOp(186), 0x1a, // i32x4.dot_i16x8_s
  ...V128_CONST_ZERO, ...simdOp(135), 0x1a,                      // i16x8.extend_low_i8x16_s
  ...V128_CONST_ZERO, ...V128_CONST_ZERO, ...simdOp(134), 0x1a, // i16x8.narrow_i32x4_u
  ...V128_CONST_ZERO, ...simdOp(250), 0x1a,                      // f32x4.convert_i32x4_s
  0x43, 0, 0, 0, 0, 0xfc, 0x00, 0x1a,                            // i32.trunc_sat_f32_s (f32.const 0)
  0x41, 0x00, 0xc0, 0x1a,                                        // i32.extend8_s (i32.const 0)
];
const RELAXED_BODY = [
  ...V128_CONST_ZERO, ...V128_CONST_ZERO, ...V128_CONST_ZERO, ...simdOp(275), 0x1a, // i32x4.relaxed_dot_i8x16_i7x16_add_s
  ...V128_CONST_ZERO, ...V128_CONST_ZERO, ...simdOp(256), 0x1a,                      // i8x16.relaxed_swizzle
  ...V128_CONST_ZERO, ...simdOp(257), 0x1a,                                          // i32x4.relaxed_trunc_f32x4_s
];

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A module with one `() -> ()` function whose body is `body`. */
function probeModule(body: number[]): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content];
  const code = [0x00, ...body, 0x0b]; // no locals, body, end
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x00, 0x00]),
    ...section(3, [0x01, 0x00]),
    ...section(10, [0x01, ...leb128(code.length), ...code]),
  ]);
}

/** The modules validateFeatures hands the validator: one per build above scalar. */
export function probeModules(): { simd: Uint8Array<ArrayBuffer>; relaxed: Uint8Array<ArrayBuffer> } {
  return { simd: probeModule(SIMD_BODY), relaxed: probeModule([...SIMD_BODY, ...RELAXED_BODY]) };
}

let validated: { simd: boolean; relaxedSimd: boolean } | undefined;

/** What the host's validator accepts (cached: validation cannot change within a realm). */
export function validateFeatures(): { simd: boolean; relaxedSimd: boolean } {
  if (!validated) {
    const check = (bytes: Uint8Array<ArrayBuffer>) => {
      try {
        return WebAssembly.validate(bytes);
      } catch {
        return false;
      }
    };
    const probes = probeModules(), simd = check(probes.simd);
    validated = { simd, relaxedSimd: simd && check(probes.relaxed) };
  }
  return validated;
}
