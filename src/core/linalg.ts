/**
 * Small dense linear algebra on row-major Float64Array matrices (p x p, entry (i, j) at i * p + j).
 * Sized for Ridge normal equations (p up to a few dozen), where a hand-written Cholesky beats a
 * general matrix library by avoiding allocation and pivoting.
 */

/**
 * In-place Cholesky factorization A = L L' of a symmetric positive-definite matrix
 * (Cholesky-Banachiewicz, row by row: L_ij = (A_ij - sum_k<j L_ik L_jk) / L_jj,
 * L_ii = sqrt(A_ii - sum_k<i L_ik^2)). Reads the lower triangle of `a`, writes L there and
 * zeroes the strict upper triangle. Returns false (leaving `a` partly overwritten) when a pivot
 * is not positive, i.e. A is not positive definite to working precision.
 */
export function choleskyInPlace(a: Float64Array, p: number): boolean {
  if (a.length < p * p) throw new RangeError(`matrix needs ${p * p} entries (got ${a.length})`);
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    for (let j = 0; j <= i; j++) {
      const rj = j * p;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j];
      }
    }
    for (let j = i + 1; j < p; j++) a[ri + j] = 0;
  }
  return true;
}

/**
 * Solves L L' x = b in place (b becomes x) given the Cholesky factor L from choleskyInPlace:
 * forward substitution L z = b, then back substitution L' x = z.
 */
export function choleskySolveInPlace(l: Float64Array, p: number, b: Float64Array): Float64Array {
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * b[k];
    b[i] = s / l[i * p + i];
  }
  return b;
}

/**
 * The inverse of the Cholesky factor, Z = L^-1 (lower triangular, row-major p x p), by forward
 * substitution column by column: Z_jj = 1 / L_jj, Z_ij = -(sum_{k=j}^{i-1} L_ik Z_kj) / L_ii for
 * i > j (Golub & Van Loan, Matrix Computations, 3.1). About p^3/6 multiply-adds; then
 * (A^-1)_ik = sum_{r >= max(i,k)} Z_ri Z_rk, since A^-1 = Z' Z.
 */
export function choleskyInverseFactor(l: Float64Array, p: number): Float64Array {
  const z = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    z[j * p + j] = 1 / l[j * p + j];
    for (let i = j + 1; i < p; i++) {
      const ri = i * p;
      let s = 0;
      for (let k = j; k < i; k++) s += l[ri + k] * z[k * p + j];
      z[ri + j] = -s / l[ri + i];
    }
  }
  return z;
}

/**
 * Solves A x = b for symmetric positive-definite A by Cholesky, without touching the inputs.
 * Throws when A is not positive definite (for Ridge this means alpha <= 0 with collinear columns).
 */
export function solveSpd(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = Float64Array.from(a.subarray(0, p * p));
  if (!choleskyInPlace(l, p)) {
    throw new RangeError(
      'matrix is not positive definite (collinear columns with no regularization?)',
    );
  }
  return choleskySolveInPlace(l, p, Float64Array.from(b.subarray(0, p)));
}
