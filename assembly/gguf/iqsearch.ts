// What ggml's grid i-quant quantizers search: for every point of the lattice that a group of 8
// (IQ2, IQ1) or 4 (IQ3) codes can land on, either its grid entry, or, off the grid, its neighbours:
// the grid entries at the nwant smallest squared distances, in order of distance, then index (the
// order ggml's qsort leaves them in). ggml builds the whole map at start-up; here each neighbour
// list is made the first time a point is met, into a workspace the caller keeps per instance.
//
// Workspace: i32 ready flag, i32 pool cursor, i32 map[mapSize] (grid index >= 0; -1 not seen yet;
// -(offset + 2) for a neighbour list at pool[offset]: count, then the entries), u32 pool: an entry
// is the grid value | its index << 16, so that the search loads four entries at once.
import { lookup16, nearestInt } from "./common";
import { IQ1_GRID, IQ2_S_GRID, IQ2_XS_GRID, IQ2_XXS_GRID, IQ3_S_GRID, IQ3_XXS_GRID } from "./grids";

// Families of grids: IQ2_XXS, IQ2_XS, IQ2_S, IQ1_S/IQ1_M, IQ3_XXS, IQ3_S.
const POOL: StaticArray<i32> = [417400, 551722, 209100, 1375339, 22825, 28317]; // every list, counted offline
const NWANT: StaticArray<i32> = [2, 2, 1, 3, 2, 3];

export function familyOf(type: i32): i32 {
  switch (type) {
    case 16: return 0;
    case 17: return 1;
    case 22: return 2;
    case 19: case 29: return 3;
    case 18: return 4;
    case 21: return 5;
  }
  return -1;
}

// @ts-ignore: decorator
@inline function gridOf(f: i32): StaticArray<u16> {
  return f == 0 ? IQ2_XXS_GRID : f == 1 ? IQ2_XS_GRID : f == 2 ? IQ2_S_GRID : f == 3 ? IQ1_GRID : f == 4 ? IQ3_XXS_GRID : IQ3_S_GRID;
}

// @ts-ignore: decorator
@inline function mapSize(f: i32): i32 {
  return f >= 4 ? 4096 : 43692;
}

export function workspaceBytes(f: i32): usize {
  // 12 bytes more: the search reads four entries at a time, past the last list's end.
  return f < 0 ? 0 : 8 + (<usize>mapSize(f) << 2) + (<usize>unchecked(POOL[f]) << 2) + 12;
}

// The workspace in use and its family (set by useWorkspace for each quantizer call).
let work: usize = 0;
let family: i32 = 0;
let lanes: i32 = 8;
let bits: i32 = 2;
let grid: StaticArray<u16> = IQ2_XXS_GRID;

/** Level (2 l + 1) of lane i of grid entry j of the family in use. */
// @ts-ignore: decorator
@inline export function level(j: i32, i: i32): i32 {
  return 2 * ((<i32>unchecked(grid[j]) >> (bits * i)) & ((1 << bits) - 1)) + 1;
}

export function useWorkspace(f: i32, ptr: usize): void {
  work = ptr;
  family = f;
  lanes = f >= 4 ? 4 : 8;
  bits = f >= 4 ? 3 : 2;
  grid = gridOf(f);
  if (load<i32>(ptr) == 1) return;
  const map = ptr + 8;
  for (let u = 0; u < mapSize(f); u++) store<i32>(map + (<usize>u << 2), -1);
  for (let j = 0; j < grid.length; j++) store<i32>(map + (<usize>unchecked(grid[j]) << 2), j);
  store<i32>(ptr, 1);
  store<i32>(ptr, 0, 4);
}

const DIST = memory.data(2048 << 2);

/** Grid index of point u (lanes of `bits` bits), or -(offset + 1) of its neighbour list in the pool. */
export function lookup(u: i32): i32 {
  const at = work + 8 + (<usize>u << 2);
  const m = load<i32>(at);
  if (m >= 0) return m;
  if (m != -1) return m + 1;
  const n = grid.length, mask = (1 << bits) - 1;
  for (let j = 0; j < n; j++) {
    let d2 = 0;
    for (let i = 0; i < lanes; i++) {
      const diff = level(j, i) - (2 * ((u >> (bits * i)) & mask) + 1);
      d2 += diff * diff;
    }
    store<i32>(DIST + (<usize>j << 2), d2);
  }
  const pool = work + 8 + (<usize>mapSize(family) << 2);
  const start = load<i32>(work, 4);
  let cursor = start + 1, below = -1;
  // The nwant smallest distances, one after the other; each one's entries in index order.
  for (let k = 0; k < unchecked(NWANT[family]); k++) {
    let next = i32.MAX_VALUE;
    for (let j = 0; j < n; j++) {
      const d2 = load<i32>(DIST + (<usize>j << 2));
      if (d2 > below && d2 < next) next = d2;
    }
    if (next == i32.MAX_VALUE) break;
    for (let j = 0; j < n; j++) {
      if (load<i32>(DIST + (<usize>j << 2)) == next) {
        store<u32>(pool + (<usize>cursor << 2), <u32>unchecked(grid[j]) | (<u32>j << 16));
        cursor++;
      }
    }
    below = next;
  }
  store<u32>(pool + (<usize>start << 2), <u32>(cursor - start - 1));
  store<i32>(work, cursor, 4);
  store<i32>(at, -(start + 2));
  return -(start + 1);
}

// Four neighbours' distances (bestNeighbour's SIMD path).
const NEIGHBOUR_D2 = memory.data(16, 16);
// The four possible terms of each of 8 lanes (bestNeighbour, IQ2 grids).
const LANE_TERMS = memory.data(128, 16);

// bestNeighbour's vector constants: the index half of a pool entry, a level index times 4, each
// lane's byte spread to four (0, 4, 8, 12), a float's byte offsets, and 1.
const SEARCH_CONSTS = memory.data<i32>([
  0xffff, 0xffff, 0xffff, 0xffff, 0xc, 0xc, 0xc, 0xc, 0, 0x04040404, 0x08080808, 0x0c0c0c0c,
  0x03020100, 0x03020100, 0x03020100, 0x03020100, 1, 1, 1, 1,
], 16);

/**
 * The neighbour (list at pool offset -code - 1) nearest to scale * q in the weighted squared distance
 * to xval, where q is a lane's level, or with xg (IQ1) the float xg[lane]; its lanes into L. -1, and
 * searchFailed, when no distance is below FLT_MAX (ggml asserts there: the huge rows).
 */
export function bestNeighbour(code: i32, xval: usize, weight: usize, scale: f32, xg: usize, L: usize): i32 {
  const list = work + 8 + (<usize>mapSize(family) << 2) + (<usize>(-code - 1) << 2);
  const count = load<i32>(list);
  let best = f32.MAX_VALUE, index = -1;
  let t = 1;
  if (ASC_FEATURE_SIMD) {
    // Four neighbours at once, a lane each, every lane summing in the scalar loop's order; then
    // compared in order, so the first of equal distances still wins. Lanes past the list's end
    // compute garbage that is never compared.
    const vs = f32x4.splat(scale);
    if (bits == 2) {
      // The IQ2 and IQ1 grids: a lane has four levels (IQ1's three floats at xg, and a fourth
      // never indexed), so each lane's four possible terms w (s q - x)^2 are computed once (as the
      // loop below would) and each neighbour's looked up by a swizzle.
      const levels = xg ? v128.load(xg) : f32x4(1, 3, 5, 7);
      for (let i = 0; i < 8; i++) {
        const diff = f32x4.sub(f32x4.mul(vs, levels), f32x4.splat(load<f32>(xval + (<usize>i << 2))));
        v128.store(LANE_TERMS + (<usize>i << 4), f32x4.mul(f32x4.mul(f32x4.splat(load<f32>(weight + (<usize>i << 2))), diff), diff));
      }
    }
    // Constants from memory, loaded once (V8 rebuilds a v128 constant at each use in the loop).
    const index16 = v128.load(SEARCH_CONSTS), twoBits = v128.load(SEARCH_CONSTS, 16);
    const spread = v128.load(SEARCH_CONSTS, 32), bytes = v128.load(SEARCH_CONSTS, 48), one = v128.load(SEARCH_CONSTS, 64);
    const mask = i32x4.splat((1 << bits) - 1);
    for (; t <= count; t += 4) {
      let g = v128.and(v128.load(list + (<usize>t << 2)), index16);
      let d2 = f32x4.splat(0);
      if (bits == 2) {
        // Lane i's level index times 4, spread to a float's four byte indices.
        g = i32x4.shl(g, 2);
        for (let i = 0; i < 8; i++) {
          const at = v128.or(lookup16(v128.and(g, twoBits), spread), bytes);
          d2 = f32x4.add(d2, lookup16(v128.load(LANE_TERMS + (<usize>i << 4)), at));
          g = i32x4.shr_u(g, 2);
        }
      } else {
        for (let i = 0; i < lanes; i++) {
          const c = v128.and(i32x4.shr_u(g, bits * i), mask);
          const q = f32x4.convert_i32x4_s(i32x4.add(i32x4.shl(c, 1), one));
          const diff = f32x4.sub(f32x4.mul(vs, q), f32x4.splat(load<f32>(xval + (<usize>i << 2))));
          d2 = f32x4.add(d2, f32x4.mul(f32x4.mul(f32x4.splat(load<f32>(weight + (<usize>i << 2))), diff), diff));
        }
      }
      // Most groups of four hold nothing nearer than the best so far.
      if (!v128.any_true(f32x4.lt(d2, f32x4.splat(best)))) continue;
      v128.store(NEIGHBOUR_D2, d2);
      for (let k = 0; k < 4 && t + k <= count; k++) {
        const d = load<f32>(NEIGHBOUR_D2 + (<usize>k << 2));
        if (d < best) {
          best = d;
          index = <i32>(load<u32>(list + (<usize>(t + k) << 2)) >> 16);
        }
      }
    }
  }
  for (; t <= count; t++) {
    const j = <i32>(load<u32>(list + (<usize>t << 2)) >> 16);
    let d2: f32 = 0;
    for (let i = 0; i < lanes; i++) {
      const q = xg ? load<f32>(xg + (<usize>((level(j, i) - 1) >> 1) << 2)) : <f32>level(j, i);
      const diff = scale * q - load<f32>(xval + (<usize>i << 2));
      d2 += load<f32>(weight + (<usize>i << 2)) * diff * diff;
    }
    if (d2 < best) {
      best = d2;
      index = j;
    }
  }
  if (index < 0) {
    searchFailed = true;
    return -1;
  }
  for (let i = 0; i < lanes; i++) store<i8>(L + <usize>i, <i8>((level(index, i) - 1) >> 1));
  return index;
}

/** The grid point of n / lanes groups of codes at L: lanes packed `bits` bits each. */
// @ts-ignore: decorator
@inline export function pointOf(L: usize): i32 {
  let u = 0;
  for (let i = 0; i < lanes; i++) u |= <i32>load<i8>(L + <usize>i) << (bits * i);
  return u;
}

/** The largest of n values (ggml's running MAX from the first). */
export function largest(x: usize, n: i32): f32 {
  let m = load<f32>(x);
  for (let i = 1; i < n; i++) m = m > load<f32>(x + (<usize>i << 2)) ? m : load<f32>(x + (<usize>i << 2));
  return m;
}

/** Set when a search meets what makes ggml abort (no finite distance: rows near 1e30). */
export let searchFailed = false;

export function resetSearch(): void {
  searchFailed = false;
}

// Scratch for one block of up to 32 values.
export const XVAL = memory.data(32 << 2);
export const WAUX = memory.data(32 << 2);
export const LBEST = memory.data(32);
const LAUX = memory.data(32);
const ON_GRID = memory.data(8);
const ON_GRID_AUX = memory.data(8);

/**
 * |x| of 8 values into xval and their sign bits (returned); with `parity`, ggml's IQ2_XXS / IQ2_XS /
 * IQ3_XXS rule: an odd number of negatives flips the value of least weight * x^2 back, so that 7 bits
 * hold the signs.
 */
export function signsOf(x: usize, weight: usize, xval: usize, parity: bool): i32 {
  let s = 0, flips = 0;
  for (let i = 0; i < 8; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v >= 0) store<f32>(xval + (<usize>i << 2), v);
    else {
      store<f32>(xval + (<usize>i << 2), -v);
      flips++;
      s |= 1 << i;
    }
  }
  if (parity && flips & 1) {
    let imin = 0;
    let least = load<f32>(weight) * load<f32>(x) * load<f32>(x);
    for (let i = 1; i < 8; i++) {
      const v = load<f32>(x + (<usize>i << 2));
      const a = load<f32>(weight + (<usize>i << 2)) * v * v;
      if (a < least) {
        least = a;
        imin = i;
      }
    }
    store<f32>(xval + (<usize>imin << 2), -load<f32>(xval + (<usize>imin << 2)));
    s ^= 1 << imin;
  }
  return s;
}

// sum(w xval q) and sum(w q q) for q = 2 L + 1 over n values; the second left in sumQ2.
let sumQ2: f32 = 0;
// @ts-ignore: decorator
@inline function sums(n: i32, xval: usize, weight: usize, L: usize): f32 {
  let qx: f32 = 0, q2: f32 = 0;
  for (let i = 0; i < n; i++) {
    const w = load<f32>(weight + (<usize>i << 2));
    const q = <f32>(<i32>load<i8>(L + <usize>i) * 2 + 1);
    qx += w * load<f32>(xval + (<usize>i << 2)) * q;
    q2 += w * q * q;
  }
  sumQ2 = q2;
  return qx;
}

// Whether the last group's codes were a grid point themselves (before any neighbour was taken).
let lastOnGrid = false;

// Codes round(0.5 (id x - 1)) in [0, K - 1] of one group into L; its grid index, or a neighbour's.
// @ts-ignore: decorator
@inline function groupOnGrid(K: i32, id: f32, scale: f32, xval: usize, waux: usize, L: usize): i32 {
  for (let i = 0; i < lanes; i++) {
    const l = nearestInt(<f32>0.5 * (id * load<f32>(xval + (<usize>i << 2)) - 1));
    store<i8>(L + <usize>i, <i8>max(0, min(K - 1, l)));
  }
  const gi = lookup(pointOf(L));
  lastOnGrid = gi >= 0;
  if (gi >= 0) return gi;
  return bestNeighbour(gi, xval, waux, scale, 0, L);
}

/**
 * ggml's search for the scale of n values (|x| at XVAL) whose groups of `lanes` codes in [0, K - 1]
 * must be grid points: 2 steps + 1 candidate scales around (2K - 1) / base, then the codes again for
 * the best scale where a group was off the grid. `track` keeps which groups were on the grid with
 * the best candidate (IQ2_XS, IQ2_S, IQ3 types), and `skip` leaves those as they are (IQ2_XS, IQ2_S,
 * IQ3_XXS); without tracking (IQ2_XXS) every group is done again. The codes end in LBEST.
 */
export function fitOnGrid(n: i32, K: i32, weight: usize, base: f32, start: f32, steps: i32, step: f32, track: bool, onGridAtStart: bool, skip: bool): f32 {
  const groups = n / lanes;
  let best: f32 = 0, scale = start;
  for (let g = 0; g < groups; g++) store<u8>(ON_GRID + <usize>g, onGridAtStart ? 1 : 0);
  for (let is = -steps; is <= steps; is++) {
    const id: f32 = (<f32>(K * 2 - 1) + <f32>is * step) / base;
    const thisScale: f32 = 1 / id;
    for (let g = 0; g < groups; g++) {
      const o = <usize>(g * lanes);
      groupOnGrid(K, id, thisScale, XVAL + (o << 2), WAUX + (o << 2), LAUX + o);
      store<u8>(ON_GRID_AUX + <usize>g, <u8>(lastOnGrid ? 1 : 0));
    }
    const qx = sums(n, XVAL, weight, LAUX);
    if (sumQ2 > 0 && qx * qx > best * sumQ2) {
      scale = qx / sumQ2;
      best = scale * qx;
      memory.copy(LBEST, LAUX, n);
      if (track) memory.copy(ON_GRID, ON_GRID_AUX, groups);
    }
  }
  let off = 0;
  for (let g = 0; g < groups; g++) if (!load<u8>(ON_GRID + <usize>g)) off++;
  if (off > 0 && scale > 0) {
    const id: f32 = 1 / scale;
    for (let g = 0; g < groups; g++) {
      if (skip && load<u8>(ON_GRID + <usize>g)) continue;
      const o = <usize>(g * lanes);
      const gi = groupOnGrid(K, id, scale, XVAL + (o << 2), WAUX + (o << 2), LBEST + o);
      if (gi >= 0) for (let i = 0; i < lanes; i++) store<i8>(LBEST + o + <usize>i, <i8>((level(gi, i) - 1) >> 1));
    }
    const qx = sums(n, XVAL, weight, LBEST);
    if (sumQ2 > 0) scale = qx / sumQ2;
  }
  return scale;
}

/** The grid index of group g of LBEST, or -1 (and searchFailed) when it is off the grid. */
export function gridIndexOf(g: i32): i32 {
  const gi = lookup(pointOf(LBEST + <usize>(g * lanes)));
  if (gi < 0) searchFailed = true;
  return gi < 0 ? 0 : gi;
}

// ggml's IQ1 search: the 3 levels (-1, 0, 1) + delta of a group, the split of the sorted values into
// 3 runs found exhaustively, groups of 8 then moved onto the grid.

/** Value order of n floats at x: indices sorted by value, equal values in index order (a stable sort, as glibc's qsort). */
export const ORDER = memory.data(32 << 2);
export function sortOrder(x: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    let k = j;
    while (k > 0 && v < load<f32>(x + (<usize>load<i32>(ORDER + (<usize>(k - 1) << 2)) << 2))) {
      store<i32>(ORDER + (<usize>k << 2), load<i32>(ORDER + (<usize>(k - 1) << 2)));
      k--;
    }
    store<i32>(ORDER + (<usize>k << 2), j);
  }
}

/**
 * IQ1's scale refitted to the chosen grid points of `groups` groups of 8 (indices u16 at index):
 * levels xg0 for the first group, xg for the others; `scale` where the fit is not positive.
 */
export function refitIq1(groups: i32, xb: usize, weight: usize, index: usize, xg0: usize, xg: usize, scale: f32): f32 {
  let qx: f32 = 0, q2: f32 = 0;
  for (let k = 0; k < groups; k++) {
    const gi = <i32>load<u16>(index + (<usize>k << 1)), levels = k ? xg : xg0;
    for (let j = 0; j < 8; j++) {
      const w = load<f32>(weight + (<usize>(8 * k + j) << 2));
      const q = load<f32>(levels + (<usize>((level(gi, j) - 1) >> 1) << 2));
      qx += w * q * load<f32>(xb + (<usize>(8 * k + j) << 2));
      q2 += w * q * q;
    }
  }
  return qx > 0 && q2 > 0 ? qx / q2 : scale;
}

/** Sets searchFailed where ggml asserts scale >= 0 (a NaN scale: the huge rows). */
export function checkScale(scale: f32): void {
  if (!(scale >= 0)) searchFailed = true;
}
