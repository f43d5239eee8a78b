//! Dense kernels for the BERT forward pass, all on row-major f32 slices.
//!
//! Matrix products go through `matrixmultiply::sgemm`, which takes arbitrary
//! row/column strides: that lets us multiply by a transposed weight matrix, or
//! by one attention head's columns inside the fused Q|K|V buffer, with no copy.

/// `C (m×n) = alpha * A (m×k) · B (k×n) + beta * C`, with explicit strides
/// (in elements) so that transposed or strided views need no copying.
///
/// # Safety
/// The three pointers with their strides must address valid, in-bounds memory
/// and `c` must not alias `a` or `b`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm(
    m: usize, k: usize, n: usize, alpha: f32,
    a: *const f32, rsa: usize, csa: usize,
    b: *const f32, rsb: usize, csb: usize,
    beta: f32, c: *mut f32, rsc: usize, csc: usize,
) {
    unsafe {
        matrixmultiply::sgemm(
            m, k, n, alpha, a, rsa as isize, csa as isize, b, rsb as isize, csb as isize,
            beta, c, rsc as isize, csc as isize,
        )
    }
}

/// A fully connected layer, PyTorch convention: `out (m×n) = x (m×k) · Wᵀ + bias`,
/// where `w` is stored `n×k` row-major (as in the safetensors file).
pub fn linear(x: &[f32], m: usize, k: usize, w: &[f32], bias: &[f32], out: &mut [f32]) {
    let n = bias.len();
    assert_eq!(x.len(), m * k);
    assert_eq!(w.len(), n * k);
    assert_eq!(out.len(), m * n);
    for row in out.chunks_exact_mut(n) {
        row.copy_from_slice(bias);
    }
    // Wᵀ as a k×n view of the n×k buffer: row stride 1, column stride k.
    unsafe { gemm(m, k, n, 1.0, x.as_ptr(), k, 1, w.as_ptr(), 1, k, 1.0, out.as_mut_ptr(), n, 1) }
}

/// `x = LayerNorm(x + residual)` row by row (post-norm BERT block).
pub fn add_layer_norm(x: &mut [f32], residual: &[f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let h = gamma.len();
    for (row, res) in x.chunks_exact_mut(h).zip(residual.chunks_exact(h)) {
        for (v, r) in row.iter_mut().zip(res) {
            *v += r;
        }
        layer_norm_row(row, gamma, beta, eps);
    }
}

pub fn layer_norm_row(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// Exact ("erf") GELU as used by BERT's `hidden_act: "gelu"`:
/// `0.5 x (1 + erf(x / sqrt 2))`.
pub fn gelu_inplace(x: &mut [f32]) {
    for v in x {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// erf(x) — Abramowitz & Stegun 7.1.26, |error| < 1.5e-7 (std has no stable erf).
pub fn erf(x: f32) -> f32 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs() as f64;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t * (0.254_829_592
        + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    sign * (1.0 - poly * (-x * x).exp()) as f32
}

/// Numerically stable softmax over each row of length `n`.
pub fn softmax_rows(x: &mut [f32], n: usize) {
    for row in x.chunks_exact_mut(n) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        let inv = 1.0 / sum;
        for v in row.iter_mut() {
            *v *= inv;
        }
    }
}

pub fn l2_normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    for x in v {
        *x /= n;
    }
}

pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
