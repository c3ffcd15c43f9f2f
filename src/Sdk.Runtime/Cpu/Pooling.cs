using System;
using System.Numerics.Tensors;

namespace Sdk.Runtime.Cpu
{
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
            int first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
            int end = start >= size ? 0 : Math.Min(kernel, (size - start + dilation - 1) / dilation);
            return (first, Math.Max(first, end));
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
            };
            long work = (long)planes * d.OutHeight * d.OutWidth * d.KernelHeight * d.KernelWidth;
            int tasks = CpuWorkerPool.AvailableThreads > 1 && work >= 1 << 15 ? Math.Min(planes, CpuWorkerPool.AvailableThreads * 8) : 1;
            job.Planes = planes;
            job.PerTask = (planes + tasks - 1) / tasks;
            CpuWorkerPool.Current.Run(ref job, (planes + job.PerTask - 1) / job.PerTask);
        }

        private struct PoolJob : IParallelJob
        {
            public Op Op;
            public float* X;
            public float* Y;
            public int* Idx;
            public float* Dx;
            public int H, W, OH, OW, KH, KW, SH, SW, PT, PL, PB, PR, DH, DW;
            public bool IncludePad;
            public int Planes;
            public int PerTask;

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

                    Plane(xp, yp, ip, dxp);
                }
            }

            /// <summary>
            /// One plane, any window: per output the rows h0, h0 + DH, ... below h1 and the columns w0, w0 + DW, ...
            /// below w1 that lie in the input, and the divisor of the average.
            /// </summary>
            private readonly void Plane(float* x, float* y, int* idx, float* dx)
            {
                for (int oh = 0; oh < OH; oh++)
                {
                    int hs = (oh * SH) - PT;
                    var (kh0, kh1) = Taps(hs, KH, DH, H);
                    int h0 = hs + (kh0 * DH), h1 = hs + (kh1 * DH);

                    // count_include_pad: every tap inside the padded input [-PT, H + PB) counts (hs >= -PT always).
                    int rows = IncludePad ? Math.Min(KH, (H + PB - hs + DH - 1) / DH) : kh1 - kh0;
                    for (int ow = 0; ow < OW; ow++)
                    {
                        int ws = (ow * SW) - PL;
                        var (kw0, kw1) = Taps(ws, KW, DW, W);
                        int w0 = ws + (kw0 * DW), w1 = ws + (kw1 * DW);
                        int cols = IncludePad ? Math.Min(KW, (W + PR - ws + DW - 1) / DW) : kw1 - kw0;
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
                                float s = 0f;
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
