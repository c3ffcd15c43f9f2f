using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Depthwise convolution (groups = input channels, M/C output channels per input channel; a single input
    /// channel is the case G = C = 1) as a direct
    /// stencil. im2col + GEMM would be a GEMM with one row per group: all packing, no reuse. Each input plane is
    /// copied once into a zero-padded plane (so the inner loops need no bounds checks); for stride 1 the loop
    /// over output columns is vectorised (8 outputs per Vector256, KH·KW FMAs each; 16 per Vector512 in the 3x3 case
    /// when the plan runs the AVX-512 kernels). A 2x2 max pool of a 3x3 plane is taken in registers, two output rows
    /// at a time.
    /// </summary>
    internal static unsafe class DepthwiseConv
    {
        /// <summary>
        /// Tasks per thread of a forward call: few, since each claim and hand-over costs more than a plane (the Fashion
        /// CNN's 1 -> 32 layer, pooled, on two threads: 7.8 / 4.8 us at batch 1 and 88 / 79 us at batch 32 with 8 / 2 tasks
        /// per thread, Zen 5, AVX-512), but more than one, so a thread that loses its core for a while does not hold the call up.
        /// </summary>
        private const int TasksPerThread = 2;

        /// <summary>
        /// y = act(conv(x) + bias); with <paramref name="poolHeight"/> &gt; 0, y is instead the 2x2, stride-2 max pool
        /// (<paramref name="poolHeight"/> x <paramref name="poolWidth"/> per plane) of that, taken from a plane in L1.
        /// </summary>
        /// <param name="border">With a pool: each pooled plane is written inside this zero border, which is left as it
        /// is (a plane of (poolHeight + top + bottom) x (poolWidth + left + right); <see cref="PoolsInRegisters"/> must hold).</param>
        public static void Forward(in ConvGeometry g, float* x, float* w, float* bias, float* y, int batch, Activation act, int poolHeight = 0, int poolWidth = 0, bool wide = false, PlaneBorder border = default)
        {
            int planes = batch * g.M;
            int threads = CpuWorkerPool.AvailableThreads;
            int tasks = threads <= 1 || (long)planes * g.OHW * g.KH * g.KW < 1 << 15 ? 1 : Math.Min(planes, threads * TasksPerThread);
            var job = new ForwardJob
            {
                G = g, X = x, W = w, Bias = bias, Y = y, Planes = planes, PerTask = (planes + tasks - 1) / tasks, Act = act,
                PoolHeight = poolHeight, PoolWidth = poolWidth, Wide = wide && Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
                OutPitch = poolWidth + border.Left + border.Right,
                OutPlane = (long)(poolHeight + border.Top + border.Bottom) * (poolWidth + border.Left + border.Right),
                OutOffset = (border.Top * (poolWidth + border.Left + border.Right)) + border.Left,
            };
            CpuWorkerPool.Current.Run(ref job, (planes + job.PerTask - 1) / job.PerTask);
        }

        /// <summary>
        /// dx and dw (either may be null). Weight-gradient tasks own output channels, input-gradient tasks own input
        /// channels, so writes never overlap and every sum runs in a fixed order (a single input channel still
        /// splits its weight gradient over the cores).
        /// </summary>
        public static void Backward(in ConvGeometry g, float* x, float* w, float* dy, float* dx, float* dw, int batch)
        {
            int threads = CpuWorkerPool.AvailableThreads;
            bool small = threads <= 1 || (long)batch * g.M * g.OHW * g.KH * g.KW < 1 << 15;
            if (dw != null)
            {
                int tasks = small ? 1 : Math.Min(g.M, threads * 8);
                var job = new WeightGradJob { G = g, X = x, Dy = dy, Dw = dw, Batch = batch, PerTask = (g.M + tasks - 1) / tasks };
                CpuWorkerPool.Current.Run(ref job, (g.M + job.PerTask - 1) / job.PerTask);
            }

            if (dx != null)
            {
                int tasks = small ? 1 : Math.Min(g.C, threads * 8);
                var job = new InputGradJob { G = g, W = w, Dy = dy, Dx = dx, Batch = batch, PerTask = (g.C + tasks - 1) / tasks };
                CpuWorkerPool.Current.Run(ref job, (g.C + job.PerTask - 1) / job.PerTask);
            }
        }

        private struct ForwardJob : IParallelJob
        {
            public ConvGeometry G;
            public float* X;
            public float* W;
            public float* Bias;
            public float* Y;
            public int Planes;
            public int PerTask;
            public Activation Act;
            public int PoolHeight;
            public int PoolWidth;
            public bool Wide;
            public int OutPitch; // pooled output: row pitch, plane stride and the first value's offset (a zero border around)
            public long OutPlane;
            public int OutOffset;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int hp = G.PaddedHeight, wp = G.PaddedWidth;
                float* pad = ThreadScratch.Get(ScratchSlot.Plane, (long)hp * wp);
                int pooledPlane = PoolHeight * PoolWidth;

                // Relu and Relu6 are clamped in the 3x3 kernel's registers; any other activation is a pass afterwards.
                bool clamp = Activations.InRegisters(Act, out float lo, out float hi) && IsStencil3x3(G);

                // The 3x3 kernel pools in registers when a pooled row holds a whole 8-output step; otherwise the plane
                // is written to L1 and pooled from there.
                bool poolInRegisters = PoolHeight > 0 && PoolsInRegisters(G, Act, PoolWidth);
                float* unpooled = PoolHeight > 0 && !poolInRegisters ? ThreadScratch.Get(ScratchSlot.ConvTemp, G.OHW) : null;
                int mult = G.M / G.C;
                int kk = G.KH * G.KW;
                int p1 = Math.Min(Planes, (task + 1) * PerTask);
                long padded = -1;
                for (int plane = task * PerTask; plane < p1; plane++)
                {
                    int n = plane / G.M;
                    int oc = plane - (n * G.M);
                    int ci = oc / mult;
                    long source = ((long)n * G.C) + ci;
                    if (source != padded)
                    {
                        G.PadRows(X + (source * G.HW), pad, 0, hp);
                        padded = source;
                    }

                    float biasValue = Bias == null ? 0f : Bias[oc];
                    if (poolInRegisters)
                    {
                        Stencil3x3Pooled(PoolHeight, PoolWidth, pad, wp, W + ((nint)oc * kk), biasValue, Y + ((long)plane * OutPlane) + OutOffset, OutPitch, lo, hi, Wide);
                        continue;
                    }

                    float* o = unpooled != null ? unpooled : Y + ((long)plane * G.OHW);
                    Stencil(G, pad, wp, W + ((nint)oc * kk), biasValue, o, lo, hi, Wide);
                    if (!clamp && Act != Activation.None)
                    {
                        Activations.BiasActivateRun(o, G.OHW, 0f, null, Act);
                    }

                    if (unpooled != null)
                    {
                        Pooling.Plane2x2(unpooled, G.OW, PoolHeight, PoolWidth, Y + ((long)plane * pooledPlane), max: true);
                    }
                }
            }
        }

        /// <summary>
        /// Whether a fused 2x2 max pool of this plane is taken in registers (3x3, stride 1, Relu / Relu6 / no activation,
        /// pooled rows of at least one 8-output step, AVX2): only then can the pooled planes go out inside a border.
        /// </summary>
        public static bool PoolsInRegisters(in ConvGeometry g, Activation act, int poolWidth) =>
            Activations.InRegisters(act, out _, out _) && IsStencil3x3(g) && poolWidth >= PooledStep && Avx2.IsSupported;

        private static bool IsStencil3x3(in ConvGeometry g) =>
            g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.OW >= 8;

        /// <summary>One output plane; the 3x3 fast path also clamps to [lo, hi], the others ignore them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Stencil(in ConvGeometry g, float* pad, int wp, float* w, float bias, float* o, float lo, float hi, bool wide)
        {
            int kh = g.KH, kw = g.KW, ow = g.OW;
            if (IsStencil3x3(g))
            {
                if (wide && ow >= 16)
                {
                    Stencil3x3Wide(g.OH, ow, pad, wp, w, bias, o, lo, hi);
                    return;
                }

                Stencil3x3(g.OH, ow, pad, wp, w, bias, o, lo, hi);
                return;
            }

            for (int oh = 0; oh < g.OH; oh++)
            {
                float* orow = o + ((nint)oh * ow);
                float* top = pad + ((nint)oh * g.SH * wp);
                int j = 0;
                if (g.SW == 1 && ow >= 8)
                {
                    // Two vectors at a time (independent FMA chains), then one; a ragged end is one more vector
                    // placed flush with the row end: it recomputes a few outputs, identically, instead of a scalar tail.
                    for (; j <= ow - 16; j += 16)
                    {
                        StencilVectors(g, top, wp, w, bias, orow, j, 2);
                    }

                    for (; j <= ow - 8; j += 8)
                    {
                        StencilVectors(g, top, wp, w, bias, orow, j, 1);
                    }

                    if (j < ow)
                    {
                        StencilVectors(g, top, wp, w, bias, orow, ow - 8, 1);
                        j = ow;
                    }
                }

                for (; j < ow; j++)
                {
                    float s = bias;
                    float* c0 = top + ((nint)j * g.SW);
                    for (int a = 0; a < kh; a++)
                    {
                        float* r = c0 + ((nint)a * g.DH * wp);
                        for (int b = 0; b < kw; b++)
                        {
                            s = MathF.FusedMultiplyAdd(r[b * g.DW], w[(a * kw) + b], s);
                        }
                    }

                    orow[j] = s;
                }
            }
        }

        /// <summary>
        /// The common 3x3, stride 1 case: the nine weights stay in registers and each output vector sums its three
        /// kernel rows in separate chains (the FMA latency, not the loads, bounds a single chain).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Stencil3x3(int oh, int ow, float* pad, int wp, float* w, float bias, float* o, float lo, float hi)
        {
            bool clamp = lo != float.NegativeInfinity || hi != float.PositiveInfinity;
            Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi);
            Vector256<float> w0 = Vector256.Create(w[0]), w1 = Vector256.Create(w[1]), w2 = Vector256.Create(w[2]);
            Vector256<float> w3 = Vector256.Create(w[3]), w4 = Vector256.Create(w[4]), w5 = Vector256.Create(w[5]);
            Vector256<float> w6 = Vector256.Create(w[6]), w7 = Vector256.Create(w[7]), w8 = Vector256.Create(w[8]);
            Vector256<float> b = Vector256.Create(bias);
            for (int r = 0; r < oh; r++)
            {
                float* r0 = pad + ((nint)r * wp), r1 = r0 + wp, r2 = r1 + wp;
                float* orow = o + ((nint)r * ow);
                for (int j = 0; j < ow; j += 8)
                {
                    // A ragged end is one more vector flush with the row end: a few outputs are recomputed, identically.
                    int at = Math.Min(j, ow - 8);
                    Vector256<float> sum = Taps3x3(r0 + at, r1 + at, r2 + at, w0, w1, w2, w3, w4, w5, w6, w7, w8, b);
                    if (clamp)
                    {
                        sum = Activations.Clamp(sum, vlo, vhi);
                    }

                    sum.Store(orow + at);
                }
            }
        }

        /// <summary><see cref="Stencil3x3"/> 16 outputs per step (AVX-512; rows of at least 16), in the same order of operations.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Stencil3x3Wide(int oh, int ow, float* pad, int wp, float* w, float bias, float* o, float lo, float hi)
        {
            bool clamp = lo != float.NegativeInfinity || hi != float.PositiveInfinity;
            Vector512<float> vlo = Vector512.Create(lo), vhi = Vector512.Create(hi);
            Vector512<float> w0 = Vector512.Create(w[0]), w1 = Vector512.Create(w[1]), w2 = Vector512.Create(w[2]);
            Vector512<float> w3 = Vector512.Create(w[3]), w4 = Vector512.Create(w[4]), w5 = Vector512.Create(w[5]);
            Vector512<float> w6 = Vector512.Create(w[6]), w7 = Vector512.Create(w[7]), w8 = Vector512.Create(w[8]);
            Vector512<float> b = Vector512.Create(bias);
            for (int r = 0; r < oh; r++)
            {
                float* r0 = pad + ((nint)r * wp), r1 = r0 + wp, r2 = r1 + wp;
                float* orow = o + ((nint)r * ow);
                for (int j = 0; j < ow; j += 16)
                {
                    int at = Math.Min(j, ow - 16);
                    Vector512<float> sum = Taps3x3(r0 + at, r1 + at, r2 + at, w0, w1, w2, w3, w4, w5, w6, w7, w8, b);
                    if (clamp)
                    {
                        sum = Activations.Clamp(sum, vlo, vhi);
                    }

                    sum.Store(orow + at);
                }
            }
        }

        /// <summary>Pooled outputs per step of <see cref="Stencil3x3Pooled"/>: two output rows of 16 columns.</summary>
        private const int PooledStep = 8;

        /// <summary>
        /// A 3x3, stride-1 plane's 2x2, stride-2 max pool taken in registers (poolWidth ≥ <see cref="PooledStep"/>): each
        /// step computes two output rows of 16 columns from four padded input rows, clamps them to [lo, hi] and pools
        /// them to 8 outputs in <see cref="Pooling.Plane2x2"/>'s order of operations, so the values (NaN included) are
        /// those of pooling the stored plane. The unpooled plane is never written. A ragged end is one more step flush
        /// with the row end; an odd last row or column is dropped, as the pool drops it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Stencil3x3Pooled(int poolHeight, int poolWidth, float* pad, int wp, float* w, float bias, float* o, int pitch, float lo, float hi, bool wide)
        {
            if (wide)
            {
                Stencil3x3PooledWide(poolHeight, poolWidth, pad, wp, w, bias, o, pitch, lo, hi);
                return;
            }

            bool clamp = lo != float.NegativeInfinity || hi != float.PositiveInfinity;
            Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi);
            Vector256<float> w0 = Vector256.Create(w[0]), w1 = Vector256.Create(w[1]), w2 = Vector256.Create(w[2]);
            Vector256<float> w3 = Vector256.Create(w[3]), w4 = Vector256.Create(w[4]), w5 = Vector256.Create(w[5]);
            Vector256<float> w6 = Vector256.Create(w[6]), w7 = Vector256.Create(w[7]), w8 = Vector256.Create(w[8]);
            Vector256<float> b = Vector256.Create(bias);
            for (int pr = 0; pr < poolHeight; pr++)
            {
                float* r0 = pad + ((nint)2 * pr * wp), r1 = r0 + wp, r2 = r1 + wp, r3 = r2 + wp;
                float* orow = o + ((nint)pr * pitch);
                for (int pj = 0; pj < poolWidth; pj += PooledStep)
                {
                    int at = Math.Min(pj, poolWidth - PooledStep);
                    nint c = 2 * at;
                    // Pooling.Plane2x2's steps: rows first, then neighbours (shuffled apart, the lanes put back in order).
                    Vector256<float> v0 = PooledRows(r0 + c, r1 + c, r2 + c, r3 + c, w0, w1, w2, w3, w4, w5, w6, w7, w8, b, clamp, vlo, vhi);
                    Vector256<float> v1 = PooledRows(r0 + c + 8, r1 + c + 8, r2 + c + 8, r3 + c + 8, w0, w1, w2, w3, w4, w5, w6, w7, w8, b, clamp, vlo, vhi);
                    Vector256<float> lanes = Pooling.MaxNaN(Avx.Shuffle(v0, v1, 0x88), Avx.Shuffle(v0, v1, 0xDD));
                    Avx2.Permute4x64(lanes.AsDouble(), 0xD8).AsSingle().Store(orow + at);
                }
            }
        }

        /// <summary>
        /// The row maximum of one vector of two output rows, the upper from padded rows r0-r2 and the lower from r1-r3,
        /// each clamped: <see cref="Taps3x3(float*, float*, float*, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>'s
        /// sums in its order of operations, but taken input row by input row, each row loaded once for both outputs:
        /// with sixteen vector registers (AVX2), two Taps3x3 sums per step each held three chains and the JIT shared
        /// their loads through the stack (the Fashion CNN's 1 -> 32 layer at batch 32, 2 threads: 2.7x its FMA bound before, 1.6x
        /// after; the network 1.04x at batch 32 and 1.09x at batch 1 on AVX2, Zen 5).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> PooledRows(
            float* r0, float* r1, float* r2, float* r3, Vector256<float> w0, Vector256<float> w1, Vector256<float> w2, Vector256<float> w3,
            Vector256<float> w4, Vector256<float> w5, Vector256<float> w6, Vector256<float> w7, Vector256<float> w8, Vector256<float> b,
            bool clamp, Vector256<float> lo, Vector256<float> hi)
        {
            Vector256<float> u0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0), w0, b);
            u0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + 1), w1, u0);
            u0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + 2), w2, u0);
            Vector256<float> x = Vector256.Load(r1);
            Vector256<float> u1 = x * w3, d0 = Vector256.FusedMultiplyAdd(x, w0, b);
            x = Vector256.Load(r1 + 1);
            (u1, d0) = (Vector256.FusedMultiplyAdd(x, w4, u1), Vector256.FusedMultiplyAdd(x, w1, d0));
            x = Vector256.Load(r1 + 2);
            (u1, d0) = (Vector256.FusedMultiplyAdd(x, w5, u1), Vector256.FusedMultiplyAdd(x, w2, d0));
            Vector256<float> up = u0 + u1;
            x = Vector256.Load(r2);
            Vector256<float> u2 = x * w6, d1 = x * w3;
            x = Vector256.Load(r2 + 1);
            (u2, d1) = (Vector256.FusedMultiplyAdd(x, w7, u2), Vector256.FusedMultiplyAdd(x, w4, d1));
            x = Vector256.Load(r2 + 2);
            (u2, d1) = (Vector256.FusedMultiplyAdd(x, w8, u2), Vector256.FusedMultiplyAdd(x, w5, d1));
            up += u2;
            Vector256<float> down = d0 + d1;
            Vector256<float> d2 = Vector256.Load(r3) * w6;
            d2 = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + 1), w7, d2);
            d2 = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + 2), w8, d2);
            down += d2;
            if (clamp)
            {
                (up, down) = (Activations.Clamp(up, lo, hi), Activations.Clamp(down, lo, hi));
            }

            return Pooling.MaxNaN(up, down);
        }

        /// <summary><see cref="Stencil3x3Pooled"/> on AVX-512: each row of a step is one vector.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Stencil3x3PooledWide(int poolHeight, int poolWidth, float* pad, int wp, float* w, float bias, float* o, int pitch, float lo, float hi)
        {
            bool clamp = lo != float.NegativeInfinity || hi != float.PositiveInfinity;
            Vector512<float> vlo = Vector512.Create(lo), vhi = Vector512.Create(hi);
            Vector512<float> w0 = Vector512.Create(w[0]), w1 = Vector512.Create(w[1]), w2 = Vector512.Create(w[2]);
            Vector512<float> w3 = Vector512.Create(w[3]), w4 = Vector512.Create(w[4]), w5 = Vector512.Create(w[5]);
            Vector512<float> w6 = Vector512.Create(w[6]), w7 = Vector512.Create(w[7]), w8 = Vector512.Create(w[8]);
            Vector512<float> b = Vector512.Create(bias);

            // Neighbours apart: even lanes to the lower half, odd lanes to the upper.
            Vector512<int> evensThenOdds = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
            for (int pr = 0; pr < poolHeight; pr++)
            {
                float* r0 = pad + ((nint)2 * pr * wp), r1 = r0 + wp, r2 = r1 + wp, r3 = r2 + wp;
                float* orow = o + ((nint)pr * pitch);
                for (int pj = 0; pj < poolWidth; pj += PooledStep)
                {
                    int at = Math.Min(pj, poolWidth - PooledStep);
                    nint c = 2 * at;
                    Vector512<float> up = Taps3x3(r0 + c, r1 + c, r2 + c, w0, w1, w2, w3, w4, w5, w6, w7, w8, b);
                    Vector512<float> down = Taps3x3(r1 + c, r2 + c, r3 + c, w0, w1, w2, w3, w4, w5, w6, w7, w8, b);
                    if (clamp)
                    {
                        up = Activations.Clamp(up, vlo, vhi);
                        down = Activations.Clamp(down, vlo, vhi);
                    }

                    Vector512<float> pairs = Avx512F.PermuteVar16x32(Pooling.MaxNaN(up, down), evensThenOdds);
                    Pooling.MaxNaN(pairs.GetLower(), pairs.GetUpper()).Store(orow + at);
                }
            }
        }

        /// <summary>One vector of 3x3 outputs from three padded rows (each at the vector's first column): three FMA chains, one per kernel row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Taps3x3(
            float* r0, float* r1, float* r2, Vector256<float> w0, Vector256<float> w1, Vector256<float> w2, Vector256<float> w3,
            Vector256<float> w4, Vector256<float> w5, Vector256<float> w6, Vector256<float> w7, Vector256<float> w8, Vector256<float> b)
        {
            Vector256<float> a0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0), w0, b);
            Vector256<float> a1 = Vector256.Load(r1) * w3;
            Vector256<float> a2 = Vector256.Load(r2) * w6;
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + 1), w1, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + 1), w4, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + 1), w7, a2);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(r0 + 2), w2, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + 2), w5, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + 2), w8, a2);
            return a0 + a1 + a2;
        }

        /// <summary>The 512-bit <see cref="Taps3x3(float*, float*, float*, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>, in the same order of operations.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Taps3x3(
            float* r0, float* r1, float* r2, Vector512<float> w0, Vector512<float> w1, Vector512<float> w2, Vector512<float> w3,
            Vector512<float> w4, Vector512<float> w5, Vector512<float> w6, Vector512<float> w7, Vector512<float> w8, Vector512<float> b)
        {
            Vector512<float> a0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0), w0, b);
            Vector512<float> a1 = Vector512.Load(r1) * w3;
            Vector512<float> a2 = Vector512.Load(r2) * w6;
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + 1), w1, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + 1), w4, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + 1), w7, a2);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Load(r0 + 2), w2, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + 2), w5, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + 2), w8, a2);
            return a0 + a1 + a2;
        }

        /// <summary>Outputs [j, j + 8·vectors) of one row (stride 1), <paramref name="vectors"/> = 1 or 2.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StencilVectors(in ConvGeometry g, float* top, int wp, float* w, float bias, float* orow, int j, int vectors)
        {
            Vector256<float> acc0 = Vector256.Create(bias), acc1 = acc0;
            for (int a = 0; a < g.KH; a++)
            {
                float* r = top + ((nint)a * g.DH * wp) + j;
                float* wr = w + (a * g.KW);
                for (int b = 0; b < g.KW; b++)
                {
                    var wv = Vector256.Create(wr[b]);
                    float* rb = r + (b * g.DW);
                    acc0 = Vector256.FusedMultiplyAdd(Vector256.Load(rb), wv, acc0);
                    if (vectors == 2)
                    {
                        acc1 = Vector256.FusedMultiplyAdd(Vector256.Load(rb + 8), wv, acc1);
                    }
                }
            }

            acc0.Store(orow + j);
            if (vectors == 2)
            {
                acc1.Store(orow + j + 8);
            }
        }

        private struct WeightGradJob : IParallelJob
        {
            public ConvGeometry G;
            public float* X;
            public float* Dy;
            public float* Dw;
            public int Batch;
            public int PerTask;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int hp = G.PaddedHeight, wp = G.PaddedWidth;
                float* xpad = ThreadScratch.Get(ScratchSlot.Plane, (long)hp * wp * 2);
                int mult = G.M / G.C;
                int kk = G.KH * G.KW;
                double* wsum = stackalloc double[kk];
                int oc1 = Math.Min(G.M, (task + 1) * PerTask);
                for (int oc = task * PerTask; oc < oc1; oc++)
                {
                    int ci = oc / mult;
                    new Span<double>(wsum, kk).Clear();
                    for (int n = 0; n < Batch; n++)
                    {
                        G.PadRows(X + ((((long)n * G.C) + ci) * G.HW), xpad, 0, hp);
                        WeightGrad(G, xpad, wp, Dy + ((((long)n * G.M) + oc) * G.OHW), wsum);
                    }

                    float* dwo = Dw + ((long)oc * kk);
                    for (int t = 0; t < kk; t++)
                    {
                        dwo[t] = (float)wsum[t];
                    }
                }
            }
        }

        private struct InputGradJob : IParallelJob
        {
            public ConvGeometry G;
            public float* W;
            public float* Dy;
            public float* Dx;
            public int Batch;
            public int PerTask;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int hp = G.PaddedHeight, wp = G.PaddedWidth;
                long planeLength = (long)hp * wp;
                float* dxpad = ThreadScratch.Get(ScratchSlot.Plane, planeLength * 2);
                int mult = G.M / G.C;
                int kk = G.KH * G.KW;
                int c1 = Math.Min(G.C, (task + 1) * PerTask);
                for (int ci = task * PerTask; ci < c1; ci++)
                {
                    for (int n = 0; n < Batch; n++)
                    {
                        new Span<float>(dxpad, (int)planeLength).Clear();
                        for (int m = 0; m < mult; m++)
                        {
                            int oc = (ci * mult) + m;
                            InputGrad(G, dxpad, wp, W + ((long)oc * kk), Dy + ((((long)n * G.M) + oc) * G.OHW));
                        }

                        Crop(G, dxpad, hp, wp, Dx + ((((long)n * G.C) + ci) * G.HW));
                    }
                }
            }
        }

        /// <summary>wsum[tap] += Σ_(oh,ow) dy[oh,ow] · xpad[oh·SH + kh·DH, ow·SW + kw·DW].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WeightGrad(in ConvGeometry g, float* xpad, int wp, float* dy, double* wsum)
        {
            int ow = g.OW;
            for (int a = 0; a < g.KH; a++)
            {
                for (int b = 0; b < g.KW; b++)
                {
                    float s = 0f;
                    Vector256<float> acc = Vector256<float>.Zero;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        float* r = xpad + ((((nint)oh * g.SH) + (a * g.DH)) * wp) + (b * g.DW);
                        float* d = dy + ((nint)oh * ow);
                        int j = 0;
                        if (g.SW == 1)
                        {
                            for (; j <= ow - 8; j += 8)
                            {
                                acc = Vector256.FusedMultiplyAdd(Vector256.Load(d + j), Vector256.Load(r + j), acc);
                            }
                        }

                        for (; j < ow; j++)
                        {
                            s = MathF.FusedMultiplyAdd(d[j], r[(nint)j * g.SW], s);
                        }
                    }

                    wsum[(a * g.KW) + b] += s + Vector256.Sum(acc);
                }
            }
        }

        /// <summary>dxpad[oh·SH + kh·DH, ow·SW + kw·DW] += w[kh,kw] · dy[oh,ow].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void InputGrad(in ConvGeometry g, float* dxpad, int wp, float* w, float* dy)
        {
            int ow = g.OW;
            for (int a = 0; a < g.KH; a++)
            {
                for (int b = 0; b < g.KW; b++)
                {
                    float wt = w[(a * g.KW) + b];
                    Vector256<float> wv = Vector256.Create(wt);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        float* r = dxpad + ((((nint)oh * g.SH) + (a * g.DH)) * wp) + (b * g.DW);
                        float* d = dy + ((nint)oh * ow);
                        int j = 0;
                        if (g.SW == 1)
                        {
                            for (; j <= ow - 8; j += 8)
                            {
                                Vector256.FusedMultiplyAdd(Vector256.Load(d + j), wv, Vector256.Load(r + j)).Store(r + j);
                            }
                        }

                        for (; j < ow; j++)
                        {
                            r[(nint)j * g.SW] = MathF.FusedMultiplyAdd(d[j], wt, r[(nint)j * g.SW]);
                        }
                    }
                }
            }
        }

        /// <summary>dx = the part of dxpad that lies on the input (pixels the kernel never reaches get 0).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Crop(in ConvGeometry g, float* dxpad, int hp, int wp, float* dx)
        {
            for (int ih = 0; ih < g.H; ih++)
            {
                float* d = dx + ((nint)ih * g.W);
                int r = ih + g.PT;
                if (r >= hp)
                {
                    new Span<float>(d, g.W).Clear();
                    continue;
                }

                float* s = dxpad + ((nint)r * wp);
                for (int iw = 0; iw < g.W; iw++)
                {
                    int c = iw + g.PL;
                    d[iw] = c < wp ? s[c] : 0f;
                }
            }
        }
    }
}
