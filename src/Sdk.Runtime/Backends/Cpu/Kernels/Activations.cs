using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Element-wise activation functions, forward and backward, on float32 spans (any layout; in place allowed).
    /// </summary>
    /// <remarks>
    /// Relu, Relu6, Sigmoid and Tanh use <see cref="TensorPrimitives"/>; Gelu is the exact (erf) form
    /// 0.5·x·(1 + erf(x/√2)) with a vectorised erf (Abramowitz–Stegun 7.1.26, |error| ≤ 1.5e-7), written
    /// so the tail (1 + erf) for negative x is computed as erfc(|z|) directly, without cancellation.
    /// </remarks>
    public static class Activations
    {
        private const float InvSqrt2 = 0.70710678118654752f;
        private const float InvSqrt2Pi = 0.39894228040143268f;

        /// <summary>y = act(x). <paramref name="y"/> may be the same memory as <paramref name="x"/>.</summary>
        public static void Forward(Activation activation, ReadOnlySpan<float> x, Span<float> y)
        {
            if (y.Length < x.Length)
            {
                throw new ArgumentException("Output is shorter than the input.", nameof(y));
            }

            y = y.Slice(0, x.Length);
            if (x.Length >= ParallelElements && activation != Activation.None && CpuWorkerPool.AvailableThreads > 1)
            {
                unsafe
                {
                    fixed (float* xp = x)
                    fixed (float* yp = y)
                    {
                        var job = new ElementwiseJob { Kind = 0, Act = activation, X = xp, Dx = yp, Length = x.Length };
                        job.Run();
                    }
                }

                return;
            }

            ForwardSerial(activation, x, y);
        }

        /// <summary>Tensors at least this long are split over the worker pool (element-wise work is memory-bound; below this the wake-up costs more).</summary>
        internal const int ParallelElements = 1 << 18;

        private static void ForwardSerial(Activation activation, ReadOnlySpan<float> x, Span<float> y)
        {
            switch (activation)
            {
                case Activation.None:
                    if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y)))
                    {
                        x.CopyTo(y);
                    }

                    break;
                case Activation.Relu:
                    TensorPrimitives.Max(x, 0f, y);
                    break;
                case Activation.Relu6:
                    TensorPrimitives.Clamp(x, 0f, 6f, y);
                    break;
                case Activation.Sigmoid:
                    TensorPrimitives.Sigmoid(x, y);
                    break;
                case Activation.Tanh:
                    TensorPrimitives.Tanh(x, y);
                    break;
                case Activation.Gelu:
                    Gelu(x, y);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>Applies the activation in place.</summary>
        public static void Forward(Activation activation, Span<float> x) => Forward(activation, x, x);

        /// <summary>
        /// dx = dy · act'(x). Relu, Relu6, Sigmoid and Tanh need only the forward <paramref name="output"/>
        /// (pass an empty <paramref name="input"/>); Gelu needs the pre-activation <paramref name="input"/>
        /// (pass an empty <paramref name="output"/>). <paramref name="gradInput"/> may alias <paramref name="gradOutput"/>.
        /// </summary>
        public static void Backward(Activation activation, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
        {
            int n = gradOutput.Length;
            if (gradInput.Length < n)
            {
                throw new ArgumentException("Gradient output is shorter than the gradient input.", nameof(gradInput));
            }

            bool needsInput = activation == Activation.Gelu;
            if (activation != Activation.None)
            {
                if (needsInput ? input.Length < n : output.Length < n)
                {
                    throw new ArgumentException(needsInput
                        ? "Gelu backward needs the pre-activation input."
                        : activation + " backward needs the forward output.");
                }
            }

            unsafe
            {
                fixed (float* xp = input)
                fixed (float* yp = output)
                fixed (float* dyp = gradOutput)
                fixed (float* dxp = gradInput)
                {
                    if (n >= ParallelElements && activation != Activation.None && CpuWorkerPool.AvailableThreads > 1)
                    {
                        var job = new ElementwiseJob { Kind = 1, Act = activation, X = xp, Y = yp, Dy = dyp, Dx = dxp, Length = n };
                        job.Run();
                    }
                    else
                    {
                        BackwardCore(activation, xp, yp, dyp, dxp, n);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe void BackwardCore(Activation activation, float* x, float* y, float* dy, float* dx, int n)
        {
            int i = 0;
            int vn = Vector256<float>.Count;
            switch (activation)
            {
                case Activation.None:
                    if (dx != dy)
                    {
                        Buffer.MemoryCopy(dy, dx, (long)n * 4, (long)n * 4);
                    }

                    return;
                case Activation.Relu:
                    for (; i <= n - vn; i += vn)
                    {
                        Vector256<float> m = Vector256.GreaterThan(Vector256.Load(y + i), Vector256<float>.Zero);
                        Vector256.BitwiseAnd(m, Vector256.Load(dy + i)).Store(dx + i);
                    }

                    for (; i < n; i++)
                    {
                        dx[i] = y[i] > 0f ? dy[i] : 0f;
                    }

                    return;
                case Activation.Relu6:
                    for (; i <= n - vn; i += vn)
                    {
                        Vector256<float> yv = Vector256.Load(y + i);
                        Vector256<float> m = Vector256.GreaterThan(yv, Vector256<float>.Zero) & Vector256.LessThan(yv, Vector256.Create(6f));
                        Vector256.BitwiseAnd(m, Vector256.Load(dy + i)).Store(dx + i);
                    }

                    for (; i < n; i++)
                    {
                        dx[i] = y[i] > 0f && y[i] < 6f ? dy[i] : 0f;
                    }

                    return;
                case Activation.Sigmoid:
                    for (; i <= n - vn; i += vn)
                    {
                        Vector256<float> yv = Vector256.Load(y + i);
                        (Vector256.Load(dy + i) * yv * (Vector256<float>.One - yv)).Store(dx + i);
                    }

                    for (; i < n; i++)
                    {
                        dx[i] = dy[i] * y[i] * (1f - y[i]);
                    }

                    return;
                case Activation.Tanh:
                    for (; i <= n - vn; i += vn)
                    {
                        Vector256<float> yv = Vector256.Load(y + i);
                        (Vector256.Load(dy + i) * (Vector256<float>.One - (yv * yv))).Store(dx + i);
                    }

                    for (; i < n; i++)
                    {
                        dx[i] = dy[i] * (1f - (y[i] * y[i]));
                    }

                    return;
                case Activation.Gelu:
                    for (; i <= n - vn; i += vn)
                    {
                        (Vector256.Load(dy + i) * GeluDerivative(Vector256.Load(x + i))).Store(dx + i);
                    }

                    if (i < n)
                    {
                        Vector256<float> xt = LoadTail(x + i, n - i);
                        Vector256<float> dyt = LoadTail(dy + i, n - i);
                        StoreTail(dyt * GeluDerivative(xt), dx + i, n - i);
                    }

                    return;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        private unsafe struct ElementwiseJob : IParallelJob
        {
            public int Kind;
            public Activation Act;
            public float* X;
            public float* Y;
            public float* Dy;
            public float* Dx;
            public int Length;
            public int PerTask;

            public void Run()
            {
                int tasks = CpuWorkerPool.AvailableThreads * 2;
                PerTask = ((Length / tasks) + 63) & ~63;
                CpuWorkerPool.Current.Run(ref this, (Length + PerTask - 1) / PerTask);
            }

            public void Execute(int task)
            {
                int i0 = task * PerTask;
                int n = Math.Min(Length - i0, PerTask);
                if (Kind == 0)
                {
                    ForwardSerial(Act, new ReadOnlySpan<float>(X + i0, n), new Span<float>(Dx + i0, n));
                }
                else
                {
                    BackwardCore(Act, X == null ? null : X + i0, Y == null ? null : Y + i0, Dy + i0, Dx + i0, n);
                }
            }
        }

        /// <summary>Exact Gelu: 0.5·x·(1 + erf(x/√2)).</summary>
        public static unsafe void Gelu(ReadOnlySpan<float> x, Span<float> y)
        {
            if (y.Length < x.Length)
            {
                throw new ArgumentException("Output is shorter than the input.", nameof(y));
            }

            fixed (float* xp = x)
            fixed (float* yp = y)
            {
                GeluCore(xp, yp, x.Length);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe void GeluCore(float* x, float* y, int n)
        {
            int i = 0;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                GeluVector(Vector256.Load(x + i)).Store(y + i);
            }

            if (i < n)
            {
                StoreTail(GeluVector(LoadTail(x + i, n - i)), y + i, n - i);
            }
        }

        /// <summary>Scalar exact Gelu with the same formula as the vector path.</summary>
        public static float Gelu(float x) => GeluVector(Vector256.Create(x)).ToScalar();

        /// <summary>Φ(x) = 0.5·(1 + erf(x/√2)), the standard normal CDF.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> NormalCdf(Vector256<float> x)
        {
            // q = erfc(|z|), z = x/√2; Φ = q/2 for x < 0 and 1 - q/2 for x ≥ 0.
            Vector256<float> z = Vector256.Abs(x) * Vector256.Create(InvSqrt2);
            Vector256<float> t = Vector256<float>.One / Vector256.FusedMultiplyAdd(z, Vector256.Create(0.3275911f), Vector256<float>.One);
            Vector256<float> poly = Vector256.FusedMultiplyAdd(t, Vector256.Create(1.061405429f), Vector256.Create(-1.453152027f));
            poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(1.421413741f));
            poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(-0.284496736f));
            poly = Vector256.FusedMultiplyAdd(poly, t, Vector256.Create(0.254829592f));
            poly *= t;
            Vector256<float> halfQ = Vector256.Create(0.5f) * poly * Vector256.Exp(-(z * z));
            return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), halfQ, Vector256<float>.One - halfQ);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> GeluVector(Vector256<float> x) => x * NormalCdf(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> GeluDerivative(Vector256<float> x)
        {
            // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = exp(-x²/2)/√(2π).
            Vector256<float> pdf = Vector256.Create(InvSqrt2Pi) * Vector256.Exp(x * x * Vector256.Create(-0.5f));
            return Vector256.FusedMultiplyAdd(x, pdf, NormalCdf(x));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe Vector256<float> LoadTail(float* p, int count)
        {
            Vector256<float> v = default;
            float* t = (float*)&v;
            for (int j = 0; j < count; j++)
            {
                t[j] = p[j];
            }

            return v;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe void StoreTail(Vector256<float> v, float* p, int count)
        {
            float* t = (float*)&v;
            for (int j = 0; j < count; j++)
            {
                p[j] = t[j];
            }
        }

        /// <summary>
        /// min(max(x, lo), hi) in two instructions where AVX is there (vmaxps, vminps with x second: they return the
        /// second operand when either is NaN, so NaN passes through). Vector256.Max/Min follow IEEE 754 (-0 &lt; +0)
        /// at nine instructions each; only the sign of a zero result differs.
        /// </summary>
        /// <summary>
        /// The [lo, hi] a kernel clamps to in registers before its store: [0, ∞) for Relu, [0, 6] for Relu6, no bounds
        /// (infinities) for None. False for any other activation, which needs its own pass over the output.
        /// </summary>
        internal static bool InRegisters(Activation activation, out float lo, out float hi)
        {
            lo = activation is Activation.Relu or Activation.Relu6 ? 0f : float.NegativeInfinity;
            hi = activation == Activation.Relu6 ? 6f : float.PositiveInfinity;
            return activation is Activation.None or Activation.Relu or Activation.Relu6;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> Clamp(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) =>
            Avx.IsSupported ? Avx.Min(hi, Avx.Max(lo, x)) : Vector256.Min(Vector256.Max(x, lo), hi);

        /// <summary>The 512-bit <see cref="Clamp(Vector256{float}, Vector256{float}, Vector256{float})"/>: NaN passes through.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector512<float> Clamp(Vector512<float> x, Vector512<float> lo, Vector512<float> hi) =>
            Avx512F.IsSupported ? Avx512F.Min(hi, Avx512F.Max(lo, x)) : Vector512.Min(Vector512.Max(x, lo), hi);

        /// <summary>
        /// x[i] = act(x[i] + scalarBias + vectorBias[i]) for a contiguous run (the fused epilogue of GEMM and
        /// convolution). <paramref name="vectorBias"/> may be null.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe void BiasActivateRun(float* x, int n, float scalarBias, float* vectorBias, Activation activation)
        {
            int i = 0;
            int vn = Vector256<float>.Count;
            Vector256<float> sb = Vector256.Create(scalarBias);
            switch (activation)
            {
                case Activation.Relu:
                case Activation.Relu6:
                    Vector256<float> lo = Vector256<float>.Zero;
                    Vector256<float> hi = activation == Activation.Relu6 ? Vector256.Create(6f) : Vector256.Create(float.PositiveInfinity);
                    if (vectorBias == null)
                    {
                        for (; i <= n - vn; i += vn)
                        {
                            Clamp(Vector256.Load(x + i) + sb, lo, hi).Store(x + i);
                        }
                    }
                    else
                    {
                        for (; i <= n - vn; i += vn)
                        {
                            Clamp(Vector256.Load(x + i) + sb + Vector256.Load(vectorBias + i), lo, hi).Store(x + i);
                        }
                    }

                    float los = lo.ToScalar(), his = hi.ToScalar();
                    for (; i < n; i++)
                    {
                        float v = x[i] + scalarBias + (vectorBias == null ? 0f : vectorBias[i]);
                        x[i] = MathF.Min(MathF.Max(v, los), his);
                    }

                    return;
                default:
                    if (scalarBias != 0f || vectorBias != null)
                    {
                        for (; i <= n - vn; i += vn)
                        {
                            Vector256<float> v = Vector256.Load(x + i) + sb;
                            if (vectorBias != null)
                            {
                                v += Vector256.Load(vectorBias + i);
                            }

                            v.Store(x + i);
                        }

                        for (; i < n; i++)
                        {
                            x[i] += scalarBias + (vectorBias == null ? 0f : vectorBias[i]);
                        }
                    }

                    if (activation == Activation.Gelu)
                    {
                        GeluCore(x, x, n);
                    }
                    else if (activation != Activation.None)
                    {
                        ForwardSerial(activation, new ReadOnlySpan<float>(x, n), new Span<float>(x, n));
                    }

                    return;
            }
        }
    }
}
