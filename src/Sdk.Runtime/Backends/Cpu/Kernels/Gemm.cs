using System;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>The register-blocked micro-kernel a GEMM runs on.</summary>
    public enum GemmKernel
    {
        /// <summary>The widest one the hardware accelerates (AVX-512, then AVX2+FMA, then 128-bit).</summary>
        Auto = 0,
        /// <summary>8 x 32 tile, Vector512 FMA (AVX-512F).</summary>
        Vector512x8x32 = 1,
        /// <summary>6 x 16 tile, Vector256 FMA (AVX2 + FMA).</summary>
        Vector256x6x16 = 2,
        /// <summary>8 x 8 tile, Vector128 (Arm64 NEON, or any machine).</summary>
        Vector128x8x8 = 3,
    }

    /// <summary>
    /// Single-precision general matrix multiply, C = alpha·op(A)·op(B) + beta·C, row-major with leading
    /// dimensions (BLAS sgemm semantics in row-major form), cache-blocked, packed and parallel.
    /// </summary>
    /// <remarks>
    /// op(A) is m x k, op(B) is k x n and C is m x n. For op = N a matrix is stored as rows x cols with
    /// row stride ld ≥ cols; for op = T it is stored transposed (cols x rows, ld ≥ rows). beta == 0 means C is
    /// not read. The optional fused epilogue runs once per element after the full product:
    /// C[i,j] = act(C[i,j] + rowBias[i] + columnBias[j]). The product is split over
    /// <see cref="CpuWorkerPool.Current"/>; the split never changes the order of the k-sum of an element, so
    /// the result is bitwise identical for any thread count. Nothing is allocated per call after the first call
    /// of a size (packing buffers are per thread and grow only).
    /// </remarks>
    public static unsafe class Gemm
    {
        /// <summary>The micro-kernel <see cref="GemmKernel.Auto"/> resolves to on this machine.</summary>
        public static GemmKernel DefaultKernel { get; } = GemmEngine.Resolve(GemmKernel.Auto);

        /// <summary>C = alpha·op(A)·op(B) + beta·C.</summary>
        public static void Multiply(
            bool transposeA, bool transposeB, int m, int n, int k,
            float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
            float beta, Span<float> c, int ldc)
            => Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, default, Activation.None);

        /// <summary>C = act(alpha·op(A)·op(B) + beta·C + rowBias[i] + columnBias[j]); either bias may be empty.</summary>
        public static void Multiply(
            bool transposeA, bool transposeB, int m, int n, int k,
            float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
            float beta, Span<float> c, int ldc,
            ReadOnlySpan<float> rowBias, ReadOnlySpan<float> columnBias, Activation activation,
            GemmKernel kernel = GemmKernel.Auto)
        {
            Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
            if (!rowBias.IsEmpty && rowBias.Length < m)
            {
                throw new ArgumentException("Row bias needs m elements.", nameof(rowBias));
            }

            if (!columnBias.IsEmpty && columnBias.Length < n)
            {
                throw new ArgumentException("Column bias needs n elements.", nameof(columnBias));
            }

            fixed (float* ap = a)
            fixed (float* bp = b)
            fixed (float* cp = c)
            fixed (float* rb = rowBias)
            fixed (float* cb = columnBias)
            {
                Multiply(transposeA, transposeB, m, n, k, alpha, ap, lda, bp, ldb, beta, cp, ldc,
                    rowBias.IsEmpty ? null : rb, columnBias.IsEmpty ? null : cb, activation, kernel);
            }
        }

        /// <summary>
        /// Pointer form (no bounds checks) of <see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Activation, GemmKernel)"/>.
        /// </summary>
        public static void Multiply(
            bool transposeA, bool transposeB, int m, int n, int k,
            float alpha, float* a, int lda, float* b, int ldb,
            float beta, float* c, int ldc,
            float* rowBias = null, float* columnBias = null, Activation activation = Activation.None,
            GemmKernel kernel = GemmKernel.Auto)
        {
            if (m <= 0 || n <= 0)
            {
                return;
            }

            kernel = GemmEngine.Resolve(kernel);
            if (ShouldSwap(kernel, m, n))
            {
                // Cᵀ = op(B)ᵀ·op(A)ᵀ: B plays A (its transpose flag flips), C is written transposed.
                GemmEngine.Multiply(kernel, !transposeB, !transposeA, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc,
                    transC: true, biasM: columnBias, biasN: rowBias, activation, parallel: true);
            }
            else
            {
                GemmEngine.Multiply(kernel, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                    transC: false, biasM: rowBias, biasN: columnBias, activation, parallel: true);
            }
        }

        /// <summary>
        /// Swap the operands when the transposed product fills the MR x NR tiles clearly better (a narrow n such as
        /// a matrix-vector product or a 4x4 feature map, against a wide m). The transposed store goes through a
        /// tile buffer, so a swap must win by more than a little.
        /// </summary>
        internal static bool ShouldSwap(GemmKernel kernel, int m, int n)
        {
            int mr = GemmEngine.MR(kernel), nr = GemmEngine.NR(kernel);
            double direct = GemmEngine.Fill(m, mr) * GemmEngine.Fill(n, nr);
            double swapped = GemmEngine.Fill(n, mr) * GemmEngine.Fill(m, nr);
            return swapped > direct * 1.25;
        }

        internal static void Validate(bool transA, bool transB, int m, int n, int k, int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
        {
            if (m < 0 || n < 0 || k < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(m), "Matrix sizes must not be negative.");
            }

            CheckMatrix("A", transA ? k : m, transA ? m : k, aLength, lda, m == 0 || n == 0 || k == 0);
            CheckMatrix("B", transB ? n : k, transB ? k : n, bLength, ldb, m == 0 || n == 0 || k == 0);
            CheckMatrix("C", m, n, cLength, ldc, m == 0 || n == 0);
        }

        private static void CheckMatrix(string name, int rows, int cols, int length, int ld, bool unused)
        {
            if (ld < Math.Max(1, cols))
            {
                throw new ArgumentException($"Leading dimension of {name} ({ld}) is smaller than its row length ({cols}).");
            }

            if (!unused && rows > 0 && cols > 0 && length < ((long)(rows - 1) * ld) + cols)
            {
                throw new ArgumentException($"{name} needs {((long)(rows - 1) * ld) + cols} elements for {rows} x {cols} with leading dimension {ld}, got {length}.");
            }
        }
    }
}
