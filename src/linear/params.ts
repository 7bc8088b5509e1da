import { expectTypedArray } from "../check.js";
import type { Context } from "../context.js";
import { type Operands, withOperands } from "../operands.js";
import { isResident, type ResidentBuffer } from "../resident.js";
import { type LayoutOptions, type LinearType, resolveLayout, TYPES, typeInfo } from "./layout.js";
import { expectOptions } from "./quantize.js";

export interface QuantParamsOptions extends LayoutOptions {
  type: LinearType;
  /** Zero point in the middle of the range, scale from the largest magnitude. Default false (min/max). */
  symmetric?: boolean;
  /** Leave out the type's lowest code (int8: [-127, 127]), as TFLite's narrow range does. */
  narrowRange?: boolean;
}

const ZERO_POINT_ARRAYS = { int8: Int8Array, int4: Int8Array, uint8: Uint8Array, uint4: Uint8Array, int16: Int16Array, uint16: Uint16Array };

const f = Math.fround;

/** Round half to even, on a float32 value. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function paramsApi(ctx: Context) {
  const { e, memory } = ctx;

  /**
   * Scales and zero points from the data's range, per tensor (default), per axis (`axis`) or per block
   * (`blockSize`). With [rmin, rmax] = [min(0, min x), max(0, max x)] over the finite values of each
   * slice, qmin/qmax the type's range (qmin + 1 with narrowRange), all arithmetic in float32:
   *   asymmetric: scale = (rmax - rmin) / (qmax - qmin), zeroPoint = clamp(roundHalfEven(qmin - rmin / scale))
   *   symmetric:  a = max(-rmin, rmax); scale = 2a / (qmax - qmin), zeroPoint = roundHalfEven((qmin + qmax) / 2)
   * A slice that is all zeros gets scale 1 and zero point 0 (clamped into the range); where rmax - rmin
   * overflows float32, scale = rmax / (qmax - qmin) - rmin / (qmax - qmin). `x` may be a resident buffer.
   */
  function quantParams(x: Float32Array | ResidentBuffer, options: QuantParamsOptions) {
    if (!isResident(x)) expectTypedArray(x, "Float32Array", "x");
    expectOptions(options, "quantParams(x, options)");
    return withOperands(ctx, (ops) => paramsAt(ops, ops.input(x, x.byteLength - (x.byteLength % 4), "x", "4 bytes per element"), x.byteLength >> 2, options));
  }

  /** Parameters for the n float32 values at px. */
  function paramsAt(ops: Operands, px: number, n: number, options: QuantParamsOptions) {
    const t = typeInfo(options.type);
    const layout = resolveLayout(n, options, options.axis === undefined && options.blockSize === undefined);
    const qmin = t.min + (options.narrowRange ? 1 : 0);
    const qmax = t.max;
    const levels = qmax - qmin;
    const scale = new Float32Array(layout.scales);
    const zeroPoint = new ZERO_POINT_ARRAYS[options.type](layout.scales);
    const [lo, hi] = [new Float32Array(layout.scales), new Float32Array(layout.scales)];
    const [plo, phi] = [ops.alloc(layout.scales * 4), ops.alloc(layout.scales * 4)];
    e.rangeLinear(px, layout.outer, layout.axisLen, layout.inner, layout.blockSize, plo, phi, layout.scales);
    memory.copyOut(plo, lo, 0, lo.length);
    memory.copyOut(phi, hi, 0, hi.length);
    for (let i = 0; i < layout.scales; i++) {
      let rmin = lo[i];
      let rmax = hi[i];
      if (options.symmetric) {
        rmax = Math.max(-rmin, rmax);
        rmin = -rmax;
      }
      let s = f(f(rmax - rmin) / levels);
      if (s === Infinity) s = f(f(rmax / levels) - f(rmin / levels)); // rmax - rmin overflowed float32
      let z: number;
      if (s === 0) {
        s = 1;
        z = Math.min(Math.max(0, qmin), qmax);
      } else if (options.symmetric) {
        z = roundHalfEven((qmin + qmax) / 2);
      } else {
        z = Math.min(Math.max(roundHalfEven(f(qmin - f(rmin / s))), qmin), qmax);
      }
      scale[i] = s;
      zeroPoint[i] = z;
    }
    return { scale, zeroPoint };
  }

  return {
    quantParams,

    /**
     * ONNX DynamicQuantizeLinear: uint8, per tensor, asymmetric, the range always containing 0 (and
     * non-finite values left out of it). `x` and `out` may be resident buffers; x is read in place
     * or copied in once for both passes.
     */
    dynamicQuantizeLinear(x: Float32Array | ResidentBuffer, { out }: { out?: Uint8Array | ResidentBuffer } = {}) {
      if (!isResident(x)) expectTypedArray(x, "Float32Array", "x");
      const n = x.byteLength >> 2;
      return withOperands(ctx, (ops) => {
        const px = ops.input(x, n * 4, "x", "4 bytes per element");
        const { scale, zeroPoint } = paramsAt(ops, px, n, { type: "uint8" });
        const result = ops.output(out, "Uint8Array", n, n, () => new Uint8Array(n));
        e.quantizeLinear(px, result.ptr, 1, 1, n, ops.copy(scale), ops.copy(Int32Array.from(zeroPoint)), 0, TYPES.uint8.id);
        return { data: result.finish() as Uint8Array | ResidentBuffer, scale: scale[0], zeroPoint: zeroPoint[0] };
      });
    },
  };
}
