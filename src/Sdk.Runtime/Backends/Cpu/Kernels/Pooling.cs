using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Zeros around each plane of a tensor, in elements: a plane of H x W values is stored as (Top + H + Bottom) x
    /// (Left + W + Right), its values from row Top and column Left on. A convolution padded by as much reads such a
    /// tensor in place (the CPU executor's padded hand-off).
    /// </summary>
    internal readonly record struct PlaneBorder(int Top, int Left, int Bottom, int Right);

    /// <summary>
    /// Per-sample shape of a 2-D max or average pooling over NCHW. The defaults are those of ONNX (and the
    /// non-overlapping layers a compiled network uses): no dilation, floor output size (ceil_mode = 0), padding
    /// excluded from the average (count_include_pad = 0).
    /// </summary>
    public sealed record Pool2DDescriptor
    {
        public required int Channels { get; init; }

        public required int InHeight { get; init; }

        public required int InWidth { get; init; }

        public required int KernelHeight { get; init; }

        public required int KernelWidth { get; init; }

        public int StrideHeight { get; init; } = 1;

        public int StrideWidth { get; init; } = 1;

        public int PadTop { get; init; }

        public int PadLeft { get; init; }

        public int PadBottom { get; init; }

        public int PadRight { get; init; }

        /// <summary>Distance between the rows a window reads (ONNX dilations[0]); 1 reads adjacent rows.</summary>
        public int DilationHeight { get; init; } = 1;

        /// <summary>Distance between the columns a window reads (ONNX dilations[1]).</summary>
        public int DilationWidth { get; init; } = 1;

        /// <summary>
        /// ONNX ceil_mode: the output size rounds up, so a last window may overhang the padded input; a window that
        /// would start inside the end padding is dropped (as PyTorch and ONNX Runtime do).
        /// </summary>
        public bool CeilMode { get; init; }

        /// <summary>
        /// ONNX count_include_pad: the average divides by the window positions inside the padded input (padding
        /// counts as zeros; an overhang of <see cref="CeilMode"/> beyond the end padding does not count), instead of
        /// by the input elements in the window.
        /// </summary>
        public bool CountIncludePad { get; init; }

        public int OutHeight => OutputSize(InHeight, KernelHeight, StrideHeight, PadTop, PadBottom, DilationHeight, CeilMode);

        public int OutWidth => OutputSize(InWidth, KernelWidth, StrideWidth, PadLeft, PadRight, DilationWidth, CeilMode);

        public int InputSampleLength => Channels * InHeight * InWidth;

        public int OutputSampleLength => Channels * OutHeight * OutWidth;

        /// <summary>Square window; the stride defaults to the window size (non-overlapping pooling).</summary>
        public static Pool2DDescriptor Square(int channels, int inHeight, int inWidth, int kernel, int stride = 0, int padding = 0)
            => new()
            {
                Channels = channels,
                InHeight = inHeight,
                InWidth = inWidth,
                KernelHeight = kernel,
                KernelWidth = kernel,
                StrideHeight = stride > 0 ? stride : kernel,
                StrideWidth = stride > 0 ? stride : kernel,
                PadTop = padding,
                PadLeft = padding,
                PadBottom = padding,
                PadRight = padding,
            };

        /// <summary>
        /// Windows along one axis: floor((in + begin + end - ((k - 1)·d + 1)) / s) + 1, or ceil with
        /// <paramref name="ceilMode"/> less a window that would start in the end padding; 0 when none fits.
        /// </summary>
        internal static int OutputSize(int input, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceilMode)
        {
            if (stride <= 0 || kernel <= 0 || dilation <= 0)
            {
                return 0;
            }

            long span = (long)input + padBegin + padEnd - (((long)(kernel - 1) * dilation) + 1);
            if (span < 0)
            {
                return 0;
            }

            long output = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
            if (ceilMode && (output - 1) * stride >= (long)input + padBegin)
            {
                output--;
            }

            return (int)Math.Min(output, int.MaxValue);
        }

        internal void Validate()
        {
            if (Channels <= 0 || InHeight <= 0 || InWidth <= 0 || KernelHeight <= 0 || KernelWidth <= 0 || StrideHeight <= 0 || StrideWidth <= 0
                || DilationHeight <= 0 || DilationWidth <= 0)
            {
                throw new ArgumentException("Pooling sizes must be positive: " + this);
            }

            int extentH = ((KernelHeight - 1) * DilationHeight) + 1, extentW = ((KernelWidth - 1) * DilationWidth) + 1;
            if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0 || PadTop >= extentH || PadBottom >= extentH || PadLeft >= extentW || PadRight >= extentW)
            {
                throw new ArgumentException("Padding must be in [0, window extent) so every window sees the input: " + this);
            }

            if (OutHeight <= 0 || OutWidth <= 0)
            {
                throw new ArgumentException("The window does not fit the padded input: " + this);
            }

            if (HasWindowWithoutInput())
            {
                throw new ArgumentException("A window reads no input element (only padding): " + this);
            }
        }

        /// <summary>
        /// True when some window reads padding only. With dilation a window can fall between the input elements
        /// (an input narrower than the dilation); without, padding below the window extent rules it out.
        /// </summary>
        internal bool HasWindowWithoutInput() =>
            !EveryWindowReadsInput(InHeight, OutHeight, KernelHeight, StrideHeight, PadTop, DilationHeight)
            || !EveryWindowReadsInput(InWidth, OutWidth, KernelWidth, StrideWidth, PadLeft, DilationWidth);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool EveryWindowReadsInput(int input, int output, int kernel, int stride, int padBegin, int dilation)
        {
            for (int o = 0; o < output; o++)
            {
                var (first, end) = Pooling.Taps((o * stride) - padBegin, kernel, dilation, input);
                if (first >= end)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Max and average pooling, forward and backward, parallel over (sample, channel) planes. Max pooling records
    /// the argmax of each window (index into the input plane, ih·W + iw, first maximum in row-major order; NaN
    /// wins) so backward is a scatter; without indices backward recomputes them from the input. Average pooling
    /// divides by the number of input elements in the window (padding excluded, ONNX count_include_pad = 0), or
    /// with <see cref="Pool2DDescriptor.CountIncludePad"/> by the window positions inside the padded input.
    /// Dilation and ceil_mode windows follow <see cref="Pool2DDescriptor"/>.
    /// </summary>
    /// <remarks>
    /// Forward max (without indices) and average pooling over non-overlapping, unpadded 2x2/stride-2 and
    /// 3x3/stride-3 windows (every window inside the input) take a fast path on AVX2: rows are loaded as vectors,
    /// the window columns deinterleaved with shuffles (2x2) or blends and permutes (3x3), and 8 outputs computed
    /// at once (4 for 2x2 rows narrower than 8 outputs). Averages sum in the general path's order (row-major), so
    /// both paths give the same bits; a maximum is the same value, except that a window whose maximum is a zero of
    /// both signs gives either zero, and a window holding a NaN gives a NaN (not necessarily the first one's payload).
    /// </remarks>
    public static unsafe class Pooling
    {
        public static void MaxForward(Pool2DDescriptor d, ReadOnlySpan<float> input, Span<float> output, Span<int> indices, int batch)
        {
            Check(d, input, output, batch);
            if (!indices.IsEmpty && indices.Length < (long)batch * d.OutputSampleLength)
            {
                throw new ArgumentException("Indices need one entry per output element.", nameof(indices));
            }

            fixed (float* x = input)
            fixed (float* y = output)
            fixed (int* idx = indices)
            {
                Run(d, Op.MaxForward, x, y, indices.IsEmpty ? null : idx, batch);
            }
        }

        /// <summary>
        /// dx (overwritten) from dy. Give the <paramref name="indices"/> of the forward pass, or leave them empty and
        /// give the forward <paramref name="input"/> to recompute them.
        /// </summary>
        public static void MaxBackward(Pool2DDescriptor d, ReadOnlySpan<float> input, ReadOnlySpan<int> indices, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch)
        {
            Check(d, gradInput, gradOutput, batch);
            bool haveIndices = !indices.IsEmpty;
            if (haveIndices ? indices.Length < (long)batch * d.OutputSampleLength : input.Length < (long)batch * d.InputSampleLength)
            {
                throw new ArgumentException("Max-pool backward needs the forward indices or the forward input.");
            }

            fixed (float* x = input)
            fixed (int* idx = indices)
            fixed (float* dy = gradOutput)
            fixed (float* dx = gradInput)
            {
                Run(d, haveIndices ? Op.MaxBackwardIndices : Op.MaxBackwardRecompute, x, dy, haveIndices ? idx : null, batch, dx);
            }
        }

        public static void AvgForward(Pool2DDescriptor d, ReadOnlySpan<float> input, Span<float> output, int batch)
        {
            Check(d, input, output, batch);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                Run(d, Op.AvgForward, x, y, null, batch);
            }
        }

        /// <summary>dx (overwritten): each dy spreads evenly over the input elements of its window.</summary>
        public static void AvgBackward(Pool2DDescriptor d, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch)
        {
            Check(d, gradInput, gradOutput, batch);
            fixed (float* dy = gradOutput)
            fixed (float* dx = gradInput)
            {
                Run(d, Op.AvgBackward, null, dy, null, batch, dx);
            }
        }

        /// <summary>y[n, c] = mean of plane (n, c); x is [batch, channels, spatial], y is [batch, channels].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void GlobalAvgForward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int spatial)
        {
            ConvPlan.CheckLength(input, (long)batch * channels * spatial, nameof(input));
            ConvPlan.CheckLength(output, (long)batch * channels, nameof(output));
            float inv = 1f / spatial;
            for (int p = 0; p < batch * channels; p++)
            {
                output[p] = TensorPrimitives.Sum(input.Slice(p * spatial, spatial)) * inv;
            }
        }

        /// <summary>dx[n, c, i] = dy[n, c] / spatial (overwritten).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void GlobalAvgBackward(ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial)
        {
            ConvPlan.CheckLength(gradOutput, (long)batch * channels, nameof(gradOutput));
            ConvPlan.CheckLength(gradInput, (long)batch * channels * spatial, nameof(gradInput));
            float inv = 1f / spatial;
            for (int p = 0; p < batch * channels; p++)
            {
                gradInput.Slice(p * spatial, spatial).Fill(gradOutput[p] * inv);
            }
        }

        private static void Check(Pool2DDescriptor d, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch)
        {
            ArgumentNullException.ThrowIfNull(d);
            d.Validate();
            if (batch < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batch));
            }

            ConvPlan.CheckLength(input, (long)batch * d.InputSampleLength, "input");
            ConvPlan.CheckLength(output, (long)batch * d.OutputSampleLength, "output");
        }

        private enum Op
        {
            MaxForward,
            MaxBackwardIndices,
            MaxBackwardRecompute,
            AvgForward,
            AvgBackward,
        }

        /// <summary>
        /// The taps [first, end) of a window starting at <paramref name="start"/> (may be negative: padding) with
        /// <paramref name="kernel"/> taps <paramref name="dilation"/> apart that land inside [0, <paramref name="size"/>).
        /// </summary>
        internal static (int First, int End) Taps(int start, int kernel, int dilation, int size)
        {
            int first = start >= 0 ? 0 : CeilDiv(-start, dilation);
            int end = start >= size ? 0 : Math.Min(kernel, CeilDiv(size - start, dilation));
            return (first, Math.Max(first, end));
        }

        /// <summary>ceil(a / b) for a ≥ 0, b > 0; no division for b = 1 (no dilation, the common case).</summary>
        private static int CeilDiv(int a, int b) => b == 1 ? a : (a + b - 1) / b;

        /// <summary>Tests only: makes this thread's calls take the general path, to compare the fast one with it.</summary>
        [ThreadStatic]
        internal static bool ForceGeneralPath;

        /// <summary>
        /// The window size (2 or 3) of the fast path when <paramref name="d"/> qualifies (square window with the same
        /// stride, no dilation, no leading padding, every window inside the input, AVX2), else 0. It serves max
        /// forward without indices and average forward.
        /// </summary>
        internal static int FastWindow(Pool2DDescriptor d)
        {
            int k = d.KernelHeight;
            bool shape = k is 2 or 3 && d.KernelWidth == k && d.StrideHeight == k && d.StrideWidth == k
                && d.DilationHeight == 1 && d.DilationWidth == 1 && d.PadTop == 0 && d.PadLeft == 0
                && (long)d.OutHeight * k <= d.InHeight && (long)d.OutWidth * k <= d.InWidth;
            return shape && Avx2.IsSupported && !ForceGeneralPath ? k : 0;
        }

        private static void Run(Pool2DDescriptor d, Op op, float* x, float* y, int* idx, int batch, float* dx = null)
        {
            int planes = batch * d.Channels;
            if (planes == 0)
            {
                return;
            }

            var job = new PoolJob
            {
                Op = op, X = x, Y = y, Idx = idx, Dx = dx,
                H = d.InHeight, W = d.InWidth, OH = d.OutHeight, OW = d.OutWidth,
                KH = d.KernelHeight, KW = d.KernelWidth, SH = d.StrideHeight, SW = d.StrideWidth, PT = d.PadTop, PL = d.PadLeft,
                PB = d.PadBottom, PR = d.PadRight, DH = d.DilationHeight, DW = d.DilationWidth, IncludePad = d.CountIncludePad,
                Fast = op == Op.AvgForward || (op == Op.MaxForward && idx == null) ? FastWindow(d) : 0,
            };
            long work = (long)planes * d.OutHeight * d.OutWidth * d.KernelHeight * d.KernelWidth;
            int tasks = CpuWorkerPool.AvailableThreads > 1 && work >= 1 << 15 ? Math.Min(planes, CpuWorkerPool.AvailableThreads * 8) : 1;
            job.Planes = planes;
            job.PerTask = (planes + tasks - 1) / tasks;
            CpuWorkerPool.Current.Run(ref job, (planes + job.PerTask - 1) / job.PerTask);
        }

        /// <summary>
        /// One plane of 2x2 windows, stride 2, all inside the input (<paramref name="w"/> wide; <paramref name="oh"/> x
        /// <paramref name="ow"/> outputs): the max or the mean, 8 outputs per AVX2 step (4 per SSE step for narrow
        /// rows). The pooling layer's fast path, and the epilogue of a convolution with a fused max pool.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void Plane2x2(float* x, int w, int oh, int ow, float* y, bool max)
        {
            for (int r = 0; r < oh; r++)
            {
                float* r0 = x + (2 * r * w);
                float* r1 = r0 + w;
                float* o = y + (r * ow);
                int j = 0;
                if (ow >= 8)
                {
                    for (; j <= ow - 8; j += 8)
                    {
                        PoolJob.Block2x8(r0 + (2 * j), r1 + (2 * j), o + j, max);
                    }

                    // The last, partial block overlaps the one before: its outputs are computed twice, identically.
                    if (j < ow)
                    {
                        PoolJob.Block2x8(r0 + (2 * (ow - 8)), r1 + (2 * (ow - 8)), o + ow - 8, max);
                    }

                    continue;
                }

                if (ow >= 4)
                {
                    PoolJob.Block2x4(r0, r1, o, max);
                    PoolJob.Block2x4(r0 + (2 * (ow - 4)), r1 + (2 * (ow - 4)), o + ow - 4, max);
                    continue;
                }

                for (; j < ow; j++)
                {
                    o[j] = max ? PoolJob.WindowMax(r0 + (2 * j), w, 2) : PoolJob.WindowMean(r0 + (2 * j), w, 2);
                }
            }
        }

        /// <summary>
        /// max(a, b) where a NaN on either side wins, in three instructions: vmaxps returns its second operand when
        /// either is NaN (so b's NaN passes) and a's NaN is blended back. Vector256.Max's IEEE 754 semantics cost nine.
        /// Equal zeros of opposite sign give b.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector256<float> MaxNaN(Vector256<float> a, Vector256<float> b) =>
            Avx.BlendVariable(Avx.Max(a, b), a, Avx.CompareUnordered(a, a));

        /// <summary>The 512-bit <see cref="MaxNaN(Vector256{float}, Vector256{float})"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector512<float> MaxNaN(Vector512<float> a, Vector512<float> b) =>
            Vector512.ConditionalSelect(Vector512.IsNaN(a), a, Avx512F.Max(a, b));

        /// <summary>The 128-bit <see cref="MaxNaN(Vector256{float}, Vector256{float})"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector128<float> MaxNaN(Vector128<float> a, Vector128<float> b) =>
            Sse41.BlendVariable(Sse.Max(a, b), a, Sse.CompareUnordered(a, a));

        private struct PoolJob : IParallelJob
        {
            public Op Op;
            public float* X;
            public float* Y;
            public int* Idx;
            public float* Dx;
            public int H, W, OH, OW, KH, KW, SH, SW, PT, PL, PB, PR, DH, DW;
            public bool IncludePad;
            public int Fast;
            public int Planes;
            public int PerTask;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int p1 = Math.Min(Planes, (task + 1) * PerTask);
                int hw = H * W, ohw = OH * OW;
                for (int p = task * PerTask; p < p1; p++)
                {
                    float* xp = X == null ? null : X + ((long)p * hw);
                    float* yp = Y + ((long)p * ohw);
                    int* ip = Idx == null ? null : Idx + ((long)p * ohw);
                    float* dxp = Dx == null ? null : Dx + ((long)p * hw);
                    if (dxp != null)
                    {
                        new Span<float>(dxp, hw).Clear();
                    }

                    if (Fast == 2)
                    {
                        FastPlane2(xp, yp);
                    }
                    else if (Fast == 3)
                    {
                        FastPlane3(xp, yp);
                    }
                    else
                    {
                        Plane(xp, yp, ip, dxp);
                    }
                }
            }

            private readonly void FastPlane2(float* x, float* y) => Plane2x2(x, W, OH, OW, y, Op == Op.MaxForward);

            /// <summary>3x3 windows, stride 3, all inside the input: 8 outputs per AVX2 step.</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void FastPlane3(float* x, float* y)
            {
                bool max = Op == Op.MaxForward;
                for (int oh = 0; oh < OH; oh++)
                {
                    float* r0 = x + (3 * oh * W);
                    float* o = y + (oh * OW);
                    if (OW >= 8)
                    {
                        int ow = 0;
                        for (; ow <= OW - 8; ow += 8)
                        {
                            Block3x8(r0 + (3 * ow), W, o + ow, max);
                        }

                        if (ow < OW)
                        {
                            Block3x8(r0 + (3 * (OW - 8)), W, o + OW - 8, max);
                        }

                        continue;
                    }

                    for (int ow = 0; ow < OW; ow++)
                    {
                        o[ow] = max ? WindowMax(r0 + (3 * ow), W, 3) : WindowMean(r0 + (3 * ow), W, 3);
                    }
                }
            }

            /// <summary>
            /// Outputs j = 0..7 of 2x2 windows whose rows start at <paramref name="r0"/> and <paramref name="r1"/>.
            /// Shuffle(a, b, 0x88) takes the even columns of each 128-bit half ([a0 a2 b0 b2 | a4 a6 b4 b6]), 0xDD the
            /// odd ones; the result is in 64-bit order [0 2 1 3], which Permute4x64(0xD8) puts right.
            /// </summary>
            internal static void Block2x8(float* r0, float* r1, float* o, bool max)
            {
                Vector256<float> a0 = Avx.LoadVector256(r0), a1 = Avx.LoadVector256(r0 + 8);
                Vector256<float> b0 = Avx.LoadVector256(r1), b1 = Avx.LoadVector256(r1 + 8);
                Vector256<float> result;
                if (max)
                {
                    Vector256<float> v0 = MaxNaN(a0, b0), v1 = MaxNaN(a1, b1);
                    result = MaxNaN(Avx.Shuffle(v0, v1, 0x88), Avx.Shuffle(v0, v1, 0xDD));
                }
                else
                {
                    // ((x00 + x01) + x10) + x11, the general path's row-major order; / 4 is exactly * 0.25.
                    Vector256<float> sum = Avx.Shuffle(a0, a1, 0x88) + Avx.Shuffle(a0, a1, 0xDD);
                    sum = (sum + Avx.Shuffle(b0, b1, 0x88)) + Avx.Shuffle(b0, b1, 0xDD);
                    result = sum * Vector256.Create(0.25f);
                }

                Avx.Store(o, Avx2.Permute4x64(result.AsDouble(), 0xD8).AsSingle());
            }

            /// <summary>Outputs j = 0..3 of 2x2 windows (rows of fewer than 8 outputs); SSE shuffles keep the order.</summary>
            internal static void Block2x4(float* r0, float* r1, float* o, bool max)
            {
                Vector128<float> a0 = Sse.LoadVector128(r0), a1 = Sse.LoadVector128(r0 + 4);
                Vector128<float> b0 = Sse.LoadVector128(r1), b1 = Sse.LoadVector128(r1 + 4);
                Vector128<float> result;
                if (max)
                {
                    Vector128<float> v0 = MaxNaN(a0, b0), v1 = MaxNaN(a1, b1);
                    result = MaxNaN(Sse.Shuffle(v0, v1, 0x88), Sse.Shuffle(v0, v1, 0xDD));
                }
                else
                {
                    Vector128<float> sum = Sse.Shuffle(a0, a1, 0x88) + Sse.Shuffle(a0, a1, 0xDD);
                    sum = (sum + Sse.Shuffle(b0, b1, 0x88)) + Sse.Shuffle(b0, b1, 0xDD);
                    result = sum * Vector128.Create(0.25f);
                }

                Sse.Store(o, result);
            }

            /// <summary>
            /// Outputs j = 0..7 of 3x3 windows whose top row starts at <paramref name="r0"/> (row stride
            /// <paramref name="w"/>): max takes the rows' maximum first and deinterleaves once; the mean
            /// deinterleaves every row to add the nine values in row-major order, then divides by 9.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private static void Block3x8(float* r0, int w, float* o, bool max)
            {
                Vector256<float> result;
                if (max)
                {
                    Vector256<float> a = Avx.LoadVector256(r0), b = Avx.LoadVector256(r0 + 8), c = Avx.LoadVector256(r0 + 16);
                    for (int r = 1; r < 3; r++)
                    {
                        float* row = r0 + (r * w);
                        a = MaxNaN(a, Avx.LoadVector256(row));
                        b = MaxNaN(b, Avx.LoadVector256(row + 8));
                        c = MaxNaN(c, Avx.LoadVector256(row + 16));
                    }

                    Deinterleave3(a, b, c, out Vector256<float> left, out Vector256<float> middle, out Vector256<float> right);
                    result = MaxNaN(MaxNaN(left, middle), right);
                }
                else
                {
                    Deinterleave3(Avx.LoadVector256(r0), Avx.LoadVector256(r0 + 8), Avx.LoadVector256(r0 + 16), out Vector256<float> sum, out Vector256<float> middle, out Vector256<float> right);
                    sum = (sum + middle) + right;
                    for (int r = 1; r < 3; r++)
                    {
                        float* row = r0 + (r * w);
                        Deinterleave3(Avx.LoadVector256(row), Avx.LoadVector256(row + 8), Avx.LoadVector256(row + 16), out Vector256<float> left, out middle, out right);
                        sum = ((sum + left) + middle) + right;
                    }

                    result = sum / Vector256.Create(9f);
                }

                Avx.Store(o, result);
            }

            /// <summary>
            /// Splits 24 consecutive floats (a, b, c) into columns 3j, 3j + 1 and 3j + 2 (j = 0..7). Element 3j + t
            /// sits in lane (3j + t) mod 8 of one of the three vectors, and those lanes are distinct for the 8 values
            /// of j: two blends gather each column into one vector, a permute puts it in order.
            /// </summary>
            private static void Deinterleave3(Vector256<float> a, Vector256<float> b, Vector256<float> c, out Vector256<float> left, out Vector256<float> middle, out Vector256<float> right)
            {
                // left: a lanes 0 3 6, b lanes 1 4 7, c lanes 2 5; middle: a 1 4 7, b 2 5, c 0 3 6; right: a 2 5, b 0 3 6, c 1 4 7.
                left = Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(a, b, 0x92), c, 0x24), Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5));
                middle = Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(a, b, 0x24), c, 0x49), Vector256.Create(1, 4, 7, 2, 5, 0, 3, 6));
                right = Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(a, b, 0x49), c, 0x92), Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7));
            }

            /// <summary>The maximum of a k x k window at <paramref name="r"/> with the general path's comparisons (NaN wins).</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            internal static float WindowMax(float* r, int w, int k)
            {
                float best = r[0];
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        float v = r[(i * w) + j];
                        if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                        {
                            best = v;
                        }
                    }
                }

                return best;
            }

            /// <summary>The mean of a k x k window at <paramref name="r"/>, summed as the general path sums.</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            internal static float WindowMean(float* r, int w, int k)
            {
                float s = -0f;
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        s += r[(i * w) + j];
                    }
                }

                return s / (k * k);
            }

            /// <summary>
            /// One plane, any window: per output the rows h0, h0 + DH, ... below h1 and the columns w0, w0 + DW, ...
            /// below w1 that lie in the input, and the divisor of the average.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void Plane(float* x, float* y, int* idx, float* dx)
            {
                for (int oh = 0; oh < OH; oh++)
                {
                    int hs = (oh * SH) - PT;
                    var (h0, h1, rows) = Window(hs, KH, DH, H, PB, IncludePad);
                    for (int ow = 0; ow < OW; ow++)
                    {
                        int ws = (ow * SW) - PL;
                        var (w0, w1, cols) = Window(ws, KW, DW, W, PR, IncludePad);
                        int o = (oh * OW) + ow;
                        switch (Op)
                        {
                            case Op.MaxForward:
                            {
                                int best = ArgMax(x, h0, h1, w0, w1);
                                y[o] = x[best];
                                if (idx != null)
                                {
                                    idx[o] = best;
                                }

                                break;
                            }

                            case Op.MaxBackwardIndices:
                                dx[idx[o]] += y[o];
                                break;
                            case Op.MaxBackwardRecompute:
                                dx[ArgMax(x, h0, h1, w0, w1)] += y[o];
                                break;
                            case Op.AvgForward:
                            {
                                // -0 is the additive identity: a window of -0 averages to -0, as in the fast path.
                                float s = -0f;
                                for (int ih = h0; ih < h1; ih += DH)
                                {
                                    float* r = x + (ih * W);
                                    for (int iw = w0; iw < w1; iw += DW)
                                    {
                                        s += r[iw];
                                    }
                                }

                                y[o] = s / (rows * cols);
                                break;
                            }

                            case Op.AvgBackward:
                            {
                                float g = y[o] / (rows * cols);
                                for (int ih = h0; ih < h1; ih += DH)
                                {
                                    float* r = dx + (ih * W);
                                    for (int iw = w0; iw < w1; iw += DW)
                                    {
                                        r[iw] += g;
                                    }
                                }

                                break;
                            }
                        }
                    }
                }
            }

            /// <summary>
            /// Along one axis, the window starting at <paramref name="start"/>: the first input index it reads, the
            /// end (exclusive, in steps of <paramref name="dilation"/>) and the taps the average divides by: those in
            /// the input, or with <paramref name="includePad"/> those in the padded input (start ≥ -pad always).
            /// </summary>
            private static (int First, int End, int Count) Window(int start, int kernel, int dilation, int size, int padEnd, bool includePad)
            {
                if (dilation == 1)
                {
                    int first = Math.Max(start, 0), end = Math.Min(start + kernel, size);
                    return (first, end, includePad ? Math.Min(start + kernel, size + padEnd) - start : end - first);
                }

                var (k0, k1) = Taps(start, kernel, dilation, size);
                int count = includePad ? Math.Min(kernel, CeilDiv(size + padEnd - start, dilation)) : k1 - k0;
                return (start + (k0 * dilation), start + (k1 * dilation), count);
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly int ArgMax(float* x, int h0, int h1, int w0, int w1)
            {
                int best = (h0 * W) + w0;
                float bv = x[best];
                for (int ih = h0; ih < h1; ih += DH)
                {
                    for (int iw = w0; iw < w1; iw += DW)
                    {
                        int i = (ih * W) + iw;
                        float v = x[i];
                        if (v > bv || (float.IsNaN(v) && !float.IsNaN(bv)))
                        {
                            bv = v;
                            best = i;
                        }
                    }
                }

                return best;
            }
        }
    }
}
