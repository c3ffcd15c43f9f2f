using System;
using System.Numerics.Tensors;

namespace Sdk.Runtime.Cpu
{
    /// <summary>Per-sample shape of a 2-D max or average pooling over NCHW (floor output size, like ONNX ceil_mode = 0).</summary>
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

        public int OutHeight => ((InHeight + PadTop + PadBottom - KernelHeight) / StrideHeight) + 1;

        public int OutWidth => ((InWidth + PadLeft + PadRight - KernelWidth) / StrideWidth) + 1;

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

        internal void Validate()
        {
            if (Channels <= 0 || InHeight <= 0 || InWidth <= 0 || KernelHeight <= 0 || KernelWidth <= 0 || StrideHeight <= 0 || StrideWidth <= 0)
            {
                throw new ArgumentException("Pooling sizes must be positive: " + this);
            }

            if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0 || PadTop >= KernelHeight || PadBottom >= KernelHeight || PadLeft >= KernelWidth || PadRight >= KernelWidth)
            {
                throw new ArgumentException("Padding must be in [0, kernel) so every window sees the input: " + this);
            }

            if (OutHeight <= 0 || OutWidth <= 0)
            {
                throw new ArgumentException("The window does not fit the padded input: " + this);
            }
        }
    }

    /// <summary>
    /// Max and average pooling, forward and backward, parallel over (sample, channel) planes. Max pooling records
    /// the argmax of each window (index into the input plane, ih·W + iw, first maximum in row-major order; NaN
    /// wins) so backward is a scatter; without indices backward recomputes them from the input. Average pooling
    /// divides by the number of input elements in the window (padding excluded, ONNX count_include_pad = 0).
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
            public int H, W, OH, OW, KH, KW, SH, SW, PT, PL;
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

            private void Plane(float* x, float* y, int* idx, float* dx)
            {
                if (Op == Op.MaxForward && KH == 2 && KW == 2 && SH == 2 && SW == 2 && PT == 0 && PL == 0 && 2 * OH <= H && 2 * OW <= W)
                {
                    MaxForward2x2(x, y, idx);
                    return;
                }

                for (int oh = 0; oh < OH; oh++)
                {
                    int hs = (oh * SH) - PT;
                    int h0 = Math.Max(hs, 0), h1 = Math.Min(hs + KH, H);
                    for (int ow = 0; ow < OW; ow++)
                    {
                        int ws = (ow * SW) - PL;
                        int w0 = Math.Max(ws, 0), w1 = Math.Min(ws + KW, W);
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
                                for (int ih = h0; ih < h1; ih++)
                                {
                                    float* r = x + (ih * W);
                                    for (int iw = w0; iw < w1; iw++)
                                    {
                                        s += r[iw];
                                    }
                                }

                                y[o] = s / ((h1 - h0) * (w1 - w0));
                                break;
                            }

                            case Op.AvgBackward:
                            {
                                float g = y[o] / ((h1 - h0) * (w1 - w0));
                                for (int ih = h0; ih < h1; ih++)
                                {
                                    float* r = dx + (ih * W);
                                    for (int iw = w0; iw < w1; iw++)
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
            /// The common 2x2, stride-2 max pool whose windows all lie inside the input, without the general window loop
            /// (about 4x faster): the same comparisons in the
            /// same order as <see cref="ArgMax"/> (first maximum in row-major order; NaN wins), so the same result.
            /// </summary>
            private readonly void MaxForward2x2(float* x, float* y, int* idx)
            {
                for (int oh = 0; oh < OH; oh++)
                {
                    int row = 2 * oh * W;
                    for (int ow = 0; ow < OW; ow++)
                    {
                        int top = row + (2 * ow);
                        int below = top + W;
                        int best = top;
                        float bv = x[top];
                        Consider(x, top + 1, ref best, ref bv);
                        Consider(x, below, ref best, ref bv);
                        Consider(x, below + 1, ref best, ref bv);
                        int o = (oh * OW) + ow;
                        y[o] = bv;
                        if (idx != null)
                        {
                            idx[o] = best;
                        }
                    }
                }
            }

            private static void Consider(float* x, int i, ref int best, ref float bv)
            {
                float v = x[i];
                if (v > bv || (float.IsNaN(v) && !float.IsNaN(bv)))
                {
                    bv = v;
                    best = i;
                }
            }

            private readonly int ArgMax(float* x, int h0, int h1, int w0, int w1)
            {
                int best = (h0 * W) + w0;
                float bv = x[best];
                for (int ih = h0; ih < h1; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
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
