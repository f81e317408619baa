/**
 * Dot products over long columns with WebAssembly SIMD, bit for bit the sums of the JavaScript
 * loops they replace (docs/planner.md "Speed", issue 16).
 *
 * The plan-curve fit (src/plan/curves.ts) sums a new candidate's columns against the other
 * columns, each sum with two accumulators (even rows and odd rows, added at the end, an odd last
 * row added to the even one). Here the two accumulators are the two lanes of one f64x2: a lane-wise
 * multiply, then a lane-wise add (WebAssembly never fuses them), so every lane does the same
 * rounded operations in the same order as the scalar loop and the sums have the same bits. On
 * 3,650-row columns this ran 4-7x faster than the JavaScript loop in a microbenchmark (0.13-0.26
 * against 0.9 ns per multiply-add; the 2 x 4 block fastest), which is where a long tenant's curve
 * fit spent its time.
 *
 * The kernels read their columns from the module's own memory: a caller takes an arena of columns
 * there (acquireDotArena), fills them, and sums with dotsInto / blockDotsInto, which return false
 * (and sum nothing) when a column is not in the arena, so the caller keeps its JavaScript loop for
 * those. One arena at a time; the memory grows only when no arena is held (growing detaches the
 * views of the old buffer). Without WebAssembly SIMD every call returns null or false.
 *
 * The module is assembled here from its instructions (a few hundred bytes; no build step).
 */

// --- WebAssembly binary encoding (just what the kernels use) ---
const uleb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const sleb = (v: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...s].map((ch) => [ch.charCodeAt(0)]));
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V128_LOAD = simd(0x00).concat([0, 0]); // align 1, offset 0
const F64_LOAD = [0x2b, 3, 0];
const f64Store = (offset: number): number[] => [0x39, 3, ...uleb(offset)];
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const lane = (l: number): number[] => [...simd(0x21), l];
const I32_ADD = 0x6a;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const F64_ADD = 0xa0;
const F64_MUL = 0xa2;

/**
 * kernel(a_0 .. a_{J-1}, b_0 .. b_{K-1}, n, out): out[j K + k] = the sum over t < n of
 * a_j[t] b_k[t] (byte offsets into the memory), as `dot` sums it: lane 0 the even rows, lane 1
 * the odd rows, an odd last row added to lane 0's sum, then even + odd.
 */
function kernel(J: number, K: number): { type: number[]; body: number[] } {
  const A = (j: number): number => j;
  const B = (k: number): number => J + k;
  const N = J + K;
  const OUT = N + 1;
  const T = N + 2; // byte offset of the row pair
  const END = T + 1; // bytes of the rows summed in pairs
  const ACC = (j: number, k: number): number => END + 1 + j * K + k;
  const X = (j: number): number => END + 1 + J * K + j;
  const Y = END + 1 + J * K + J;
  const E = Y + 1;
  const code: number[] = [];
  code.push(...get(N), ...i32(-2), I32_AND, ...i32(3), I32_SHL, ...set(END));
  // block; loop: while (t < end) { ... t += 16 }
  code.push(0x02, 0x40, 0x03, 0x40, ...get(T), ...get(END), I32_GE_U, 0x0d, 1);
  for (let j = 0; j < J; j++)
    code.push(...get(A(j)), ...get(T), I32_ADD, ...V128_LOAD, ...set(X(j)));
  for (let k = 0; k < K; k++) {
    code.push(...get(B(k)), ...get(T), I32_ADD, ...V128_LOAD, ...set(Y));
    for (let j = 0; j < J; j++)
      code.push(...get(ACC(j, k)), ...get(X(j)), ...get(Y), ...F64X2_MUL, ...F64X2_ADD);
    for (let j = J - 1; j >= 0; j--) code.push(...set(ACC(j, k)));
  }
  code.push(...get(T), ...i32(16), I32_ADD, ...set(T), 0x0c, 0, 0x0b, 0x0b);
  for (let j = 0; j < J; j++) {
    for (let k = 0; k < K; k++) {
      code.push(...get(ACC(j, k)), ...lane(0), ...set(E));
      // if (n & 1) e += a[n - 1] * b[n - 1]
      code.push(...get(N), ...i32(1), I32_AND, 0x04, 0x40);
      code.push(...get(E), ...get(A(j)), ...get(END), I32_ADD, ...F64_LOAD);
      code.push(...get(B(k)), ...get(END), I32_ADD, ...F64_LOAD, F64_MUL, F64_ADD, ...set(E), 0x0b);
      code.push(...get(OUT), ...get(E), ...get(ACC(j, k)), ...lane(1), F64_ADD);
      code.push(...f64Store(8 * (j * K + k)));
    }
  }
  code.push(0x0b);
  const locals = [
    [...uleb(2), I32],
    [...uleb(J * K + J + 1), V128],
    [...uleb(1), F64],
  ];
  const body = [...vec(locals), ...code];
  return {
    type: [0x60, ...vec(Array.from({ length: J + K + 2 }, () => [I32])), 0],
    body: [...uleb(body.length), ...body],
  };
}

/** The kernels' shapes (J a-columns x K b-columns), exported in this order as k<J><K>. */
const SHAPES: readonly [number, number][] = [
  [1, 1],
  [1, 4],
  [2, 1],
  [2, 4],
];

/** The module's bytes: memory "m" (1 page to start) and the kernels k11, k14, k21, k24. */
export function simdDotsModule(): Uint8Array {
  const fns = SHAPES.map(([J, K]) => kernel(J, K));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, vec(fns.map((f) => f.type))),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(5, vec([[0, ...uleb(1)]])),
    ...section(
      7,
      vec([
        [...name('m'), 2, 0],
        ...SHAPES.map(([J, K], i) => [...name(`k${J}${K}`), 0, ...uleb(i)]),
      ]),
    ),
    ...section(10, vec(fns.map((f) => f.body))),
  ]);
}

type K11 = (a: number, b: number, n: number, out: number) => void;
type K14 = (
  a: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  n: number,
  out: number,
) => void;
type K21 = (a0: number, a1: number, b: number, n: number, out: number) => void;
type K24 = (
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  n: number,
  out: number,
) => void;
/** What the kernels need of WebAssembly (the project's TypeScript libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
interface Kernels {
  memory: WasmMemory;
  k11: K11;
  k14: K14;
  k21: K21;
  k24: K24;
}

/** Bytes at the start of the memory where the kernels write their sums (8 doubles). */
const OUT_BYTES = 64;
/** The largest memory the arena grows to (bytes); beyond it acquireDotArena returns null. */
const MAX_BYTES = 1 << 30;

let kernels: Kernels | null | undefined;
let enabled = true;
/** The memory's buffer while an arena is held (null: none held). */
let held: ArrayBuffer | null = null;
let outView = new Float64Array(0);

function loadKernels(): Kernels | null {
  if (kernels !== undefined) return kernels;
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) throw new Error('no WebAssembly');
    const instance = new wasm.Instance(new wasm.Module(simdDotsModule()), {});
    const e = instance.exports as Kernels & { m: WasmMemory };
    kernels = { memory: e.m, k11: e.k11, k14: e.k14, k21: e.k21, k24: e.k24 };
  } catch {
    kernels = null; // no WebAssembly SIMD: the callers' JavaScript loops
  }
  return kernels;
}

/**
 * Turns the kernels off (false) or back on (true, the default): an arena is then never given and
 * the callers sum in JavaScript. For tests comparing the two paths.
 */
export function useSimdDots(on: boolean): void {
  enabled = on;
}

/**
 * `count` columns of n doubles in the kernels' memory (zeroed views, 16-byte aligned), or null
 * (no SIMD, turned off, another arena held, or too large). Release with releaseDotArena.
 */
export function acquireDotArena(count: number, n: number): Float64Array[] | null {
  if (!enabled || held !== null || n <= 0) return null;
  const k = loadKernels();
  if (!k) return null;
  const stride = n + (n & 1);
  const bytes = OUT_BYTES + count * stride * 8;
  if (bytes > MAX_BYTES) return null;
  const have = k.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      k.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null;
    }
  }
  const buffer = k.memory.buffer;
  const all = new Float64Array(buffer);
  all.fill(0, 0, bytes / 8);
  held = buffer;
  outView = new Float64Array(buffer, 0, OUT_BYTES / 8);
  const first = OUT_BYTES / 8;
  return Array.from({ length: count }, (_, i) =>
    all.subarray(first + i * stride, first + i * stride + n),
  );
}

/** Gives the arena back (its views must not be used after). */
export function releaseDotArena(): void {
  held = null;
}

/** Whether column x is a view of the held arena's memory. */
const inArena = (x: Float64Array): boolean => x.buffer === held;

/**
 * out[m] = the sum over t < n of a[t] * bs[m][t] (two accumulators, even and odd rows), when a
 * and every bs[m] are arena columns: true; else false and nothing is summed.
 */
export function dotsInto(
  a: Float64Array,
  bs: readonly Float64Array[],
  n: number,
  out: Float64Array,
): boolean {
  if (held === null || !inArena(a)) return false;
  for (let m = 0; m < bs.length; m++) if (!inArena(bs[m])) return false;
  const k = kernels!;
  const o = outView;
  const pa = a.byteOffset;
  let m = 0;
  for (; m + 3 < bs.length; m += 4) {
    k.k14(
      pa,
      bs[m].byteOffset,
      bs[m + 1].byteOffset,
      bs[m + 2].byteOffset,
      bs[m + 3].byteOffset,
      n,
      0,
    );
    out[m] = o[0];
    out[m + 1] = o[1];
    out[m + 2] = o[2];
    out[m + 3] = o[3];
  }
  for (; m < bs.length; m++) {
    k.k11(pa, bs[m].byteOffset, n, 0);
    out[m] = o[0];
  }
  return true;
}

/**
 * out[at + i * si + l * sl] = the sum over t < n of as[i][t] * bs[l][t] (two accumulators, even and
 * odd rows) when every column is an arena column: true; else false and nothing is summed.
 */
export function blockDotsInto(
  as: readonly Float64Array[],
  bs: readonly Float64Array[],
  n: number,
  out: Float64Array,
  at: number,
  si: number,
  sl: number,
): boolean {
  if (held === null) return false;
  for (let i = 0; i < as.length; i++) if (!inArena(as[i])) return false;
  for (let l = 0; l < bs.length; l++) if (!inArena(bs[l])) return false;
  const k = kernels!;
  const o = outView;
  const I = as.length;
  const L = bs.length;
  let i = 0;
  for (; i + 1 < I; i += 2) {
    const a0 = as[i].byteOffset;
    const a1 = as[i + 1].byteOffset;
    let l = 0;
    for (; l + 3 < L; l += 4) {
      k.k24(
        a0,
        a1,
        bs[l].byteOffset,
        bs[l + 1].byteOffset,
        bs[l + 2].byteOffset,
        bs[l + 3].byteOffset,
        n,
        0,
      );
      for (let d = 0; d < 4; d++) {
        out[at + i * si + (l + d) * sl] = o[d];
        out[at + (i + 1) * si + (l + d) * sl] = o[4 + d];
      }
    }
    for (; l < L; l++) {
      k.k21(a0, a1, bs[l].byteOffset, n, 0);
      out[at + i * si + l * sl] = o[0];
      out[at + (i + 1) * si + l * sl] = o[1];
    }
  }
  for (; i < I; i++) {
    const a = as[i].byteOffset;
    let l = 0;
    for (; l + 3 < L; l += 4) {
      k.k14(
        a,
        bs[l].byteOffset,
        bs[l + 1].byteOffset,
        bs[l + 2].byteOffset,
        bs[l + 3].byteOffset,
        n,
        0,
      );
      for (let d = 0; d < 4; d++) out[at + i * si + (l + d) * sl] = o[d];
    }
    for (; l < L; l++) {
      k.k11(a, bs[l].byteOffset, n, 0);
      out[at + i * si + l * sl] = o[0];
    }
  }
  return true;
}
