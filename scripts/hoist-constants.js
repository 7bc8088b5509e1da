// A post-pass over each build (only the SIMD ones hold v128 constants): every v128.const inside a
// loop becomes a local.get of a local set once at the function's entry. wasm-opt folds such locals
// back into each use, and Deno 2.9's V8 (15.0) then builds the 16-byte constant anew at every use
// inside the loop: the Q8_0 activation quantizer ran at half speed there (1.9x faster hoisted; Q1_0's
// dequantizer 1.6x). Node 20, Chrome 156, Firefox and Bun ran the same loops equally fast either way.
//
// Each function body's instructions are decoded only far enough to skip their immediates; an opcode
// the decoder does not know is an error, never a guess. So is memory.grow: the kernels must not
// allocate (see src/memory.ts), and only AssemblyScript's runtime would grow memory.

/** Returns the module with the in-loop v128 constants of each function hoisted into locals. */
export function hoistConstants(bytes) {
  const r = reader(bytes);
  r.pos = 8;
  const types = [], funcTypes = [], out = [bytes.subarray(0, 8)];
  while (r.pos < bytes.length) {
    const start = r.pos, id = r.byte(), size = r.u32(), end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new Error("hoistConstants: only function types are handled");
        const params = r.u32();
        r.skip(params);
        r.skip(r.u32());
        types.push(params);
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.skip(r.u32());
        r.skip(r.u32());
        const kind = r.byte();
        if (kind === 0) r.u32();
        else if (kind === 1) (r.byte(), limits(r));
        else if (kind === 2) limits(r);
        else if (kind === 3) r.skip(2);
        else throw new Error(`hoistConstants: import kind ${kind}`);
      }
    } else if (id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(types[r.u32()]);
    }
    if (id !== 10) {
      r.pos = end;
      out.push(bytes.subarray(start, end));
      continue;
    }
    const bodies = [];
    for (let n = r.u32(), f = 0; f < n; f++) {
      const length = r.u32(), bodyEnd = r.pos + length;
      bodies.push(rewriteBody(bytes, r.pos, bodyEnd, funcTypes[f]));
      r.pos = bodyEnd;
    }
    if (r.pos !== end) throw new Error("hoistConstants: code section length mismatch");
    const content = [u32(bodies.length), ...bodies.flatMap((b) => [u32(b.length), b])];
    out.push(Uint8Array.of(10), u32(total(content)), ...content);
  }
  return concat(out);
}

function rewriteBody(bytes, start, end, params) {
  const r = reader(bytes);
  r.pos = start;
  let locals = 0;
  const groups = r.u32(), groupsEnd = r.pos;
  for (let g = 0; g < groups; g++) {
    locals += r.u32();
    r.byte();
  }
  const codeStart = r.pos, consts = [], loops = [];
  let depth = 0;
  while (r.pos < end) {
    const at = r.pos, op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      loops.push(op === 0x03);
      if (op === 0x03) depth++;
      blockType(r);
    } else if (op === 0x0b) {
      if (loops.pop()) depth--;
    } else if (op === 0xfd) {
      const sub = r.u32();
      if (sub === 12) {
        if (depth > 0) consts.push({ at, next: r.pos + 16, key: bytes.subarray(r.pos, r.pos + 16).join(",") });
        r.skip(16);
      } else simdImmediates(r, sub);
    } else if (op === 0x40) {
      // Only AssemblyScript's runtime grows memory: some kernel allocates, in memory above
      // heapBase that the TypeScript side owns.
      throw new Error("hoistConstants: memory.grow in a kernel: something allocates (an array literal inside a function?)");
    } else immediates(r, op);
  }
  if (r.pos !== end) throw new Error("hoistConstants: function body overran");
  if (consts.length === 0) return bytes.subarray(start, end);
  const slots = new Map();
  for (const c of consts) if (!slots.has(c.key)) slots.set(c.key, params + locals + slots.size);
  const parts = [u32(groups + 1), bytes.subarray(groupsEnd, codeStart), u32(slots.size), Uint8Array.of(0x7b)];
  for (const [key, slot] of slots) parts.push(Uint8Array.of(0xfd, 12, ...key.split(",").map(Number), 0x21), u32(slot));
  let from = codeStart;
  for (const c of consts) {
    parts.push(bytes.subarray(from, c.at), Uint8Array.of(0x20), u32(slots.get(c.key)));
    from = c.next;
  }
  parts.push(bytes.subarray(from, end));
  return concat(parts);
}

function immediates(r, op) {
  if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26) || op === 0x10 || op === 0xd2) r.u32();
  else if (op === 0x0e) {
    for (let n = r.u32(); n >= 0; n--) r.u32();
  } else if (op === 0x11) (r.u32(), r.u32());
  else if (op === 0x1c) r.skip(r.u32());
  else if (op >= 0x28 && op <= 0x3e) (r.u32(), r.u32());
  else if (op === 0x3f || op === 0xd0) r.byte();
  else if (op === 0x41 || op === 0x42) r.sleb();
  else if (op === 0x43) r.skip(4);
  else if (op === 0x44) r.skip(8);
  else if (op === 0xfc) {
    const sub = r.u32();
    if (sub === 8) (r.u32(), r.byte());
    else if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) r.u32();
    else if (sub === 10) r.skip(2);
    else if (sub === 11) r.byte();
    else if (sub === 12 || sub === 14) (r.u32(), r.u32());
    else if (sub > 7) throw new Error(`hoistConstants: unknown opcode 0xfc ${sub}`);
  } else if (!(op <= 0x01 || op === 0x05 || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1)) {
    throw new Error(`hoistConstants: unknown opcode 0x${op.toString(16)}`);
  }
}

function simdImmediates(r, sub) {
  if (sub <= 11 || sub === 92 || sub === 93) (r.u32(), r.u32());
  else if (sub === 13) r.skip(16);
  else if (sub >= 21 && sub <= 34) r.byte();
  else if (sub >= 84 && sub <= 91) (r.u32(), r.u32(), r.byte());
  else if (sub > 0x113) throw new Error(`hoistConstants: unknown opcode 0xfd ${sub}`);
}

function blockType(r) {
  const b = r.bytes[r.pos];
  if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.pos++;
  else r.sleb();
}

function limits(r) {
  const flags = r.byte();
  r.u32();
  if (flags & 1) r.u32();
}

function reader(bytes) {
  return {
    bytes, pos: 0,
    byte() { return this.bytes[this.pos++]; },
    skip(n) { this.pos += n; },
    u32() {
      let v = 0, shift = 0, b;
      do {
        b = this.bytes[this.pos++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b & 0x80);
      return v;
    },
    sleb() {
      let b;
      do b = this.bytes[this.pos++];
      while (b & 0x80);
    },
  };
}

function u32(v) {
  const out = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Uint8Array.from(out);
}

const total = (parts) => parts.reduce((s, p) => s + p.length, 0);

function concat(parts) {
  const out = new Uint8Array(total(parts));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
