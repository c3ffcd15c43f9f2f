using System;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// The per-sample shape of a 2-D convolution over NCHW tensors (the batch size is a run-time argument).
    /// Weights are [OutChannels, InChannels/Groups, KernelHeight, KernelWidth] (PyTorch/ONNX layout).
    /// </summary>
    public sealed record Conv2DDescriptor
    {
        public required int InChannels { get; init; }

        public required int InHeight { get; init; }

        public required int InWidth { get; init; }

        public required int OutChannels { get; init; }

        public required int KernelHeight { get; init; }

        public required int KernelWidth { get; init; }

        public int StrideHeight { get; init; } = 1;

        public int StrideWidth { get; init; } = 1;

        public int PadTop { get; init; }

        public int PadLeft { get; init; }

        public int PadBottom { get; init; }

        public int PadRight { get; init; }

        public int DilationHeight { get; init; } = 1;

        public int DilationWidth { get; init; } = 1;

        public int Groups { get; init; } = 1;

        /// <summary>Activation fused into the forward pass (applied after the bias).</summary>
        public Activation Activation { get; init; }

        public int OutHeight => ((InHeight + PadTop + PadBottom - (DilationHeight * (KernelHeight - 1)) - 1) / StrideHeight) + 1;

        public int OutWidth => ((InWidth + PadLeft + PadRight - (DilationWidth * (KernelWidth - 1)) - 1) / StrideWidth) + 1;

        /// <summary>Elements of one input sample (C·H·W).</summary>
        public int InputSampleLength => InChannels * InHeight * InWidth;

        /// <summary>Elements of one output sample.</summary>
        public int OutputSampleLength => OutChannels * OutHeight * OutWidth;

        public int WeightLength => OutChannels * (InChannels / Math.Max(1, Groups)) * KernelHeight * KernelWidth;

        /// <summary>Multiply-accumulates per sample.</summary>
        public long MacsPerSample => (long)OutputSampleLength * (InChannels / Math.Max(1, Groups)) * KernelHeight * KernelWidth;

        /// <summary>The convolution as the compiler core describes it (its lower bound and the CPU backend's model).</summary>
        public ConvolutionShape Shape => new(
            InChannels, InHeight, InWidth, OutChannels, KernelHeight, KernelWidth, StrideHeight, StrideWidth,
            PadTop, PadLeft, PadBottom, PadRight, DilationHeight, DilationWidth, Groups);

        /// <summary>A square kernel with the same stride, padding and dilation in both directions.</summary>
        public static Conv2DDescriptor Square(
            int inChannels, int inHeight, int inWidth, int outChannels, int kernel,
            int stride = 1, int padding = 0, int dilation = 1, int groups = 1, Activation activation = Activation.None)
            => new()
            {
                InChannels = inChannels,
                InHeight = inHeight,
                InWidth = inWidth,
                OutChannels = outChannels,
                KernelHeight = kernel,
                KernelWidth = kernel,
                StrideHeight = stride,
                StrideWidth = stride,
                PadTop = padding,
                PadLeft = padding,
                PadBottom = padding,
                PadRight = padding,
                DilationHeight = dilation,
                DilationWidth = dilation,
                Groups = groups,
                Activation = activation,
            };

        internal void Validate()
        {
            if (InChannels <= 0 || InHeight <= 0 || InWidth <= 0 || OutChannels <= 0 || KernelHeight <= 0 || KernelWidth <= 0)
            {
                throw new ArgumentException("Convolution sizes must be positive: " + this);
            }

            if (StrideHeight <= 0 || StrideWidth <= 0 || DilationHeight <= 0 || DilationWidth <= 0)
            {
                throw new ArgumentException("Stride and dilation must be positive: " + this);
            }

            if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
            {
                throw new ArgumentException("Padding must not be negative: " + this);
            }

            if (Groups <= 0 || InChannels % Groups != 0 || OutChannels % Groups != 0)
            {
                throw new ArgumentException("Groups must divide both channel counts: " + this);
            }

            if (OutHeight <= 0 || OutWidth <= 0)
            {
                throw new ArgumentException("The kernel does not fit the padded input: " + this);
            }
        }
    }

    /// <summary>How a <see cref="ConvPlan"/> computes its convolution.</summary>
    public enum ConvAlgorithm
    {
        /// <summary>im2col into a column matrix, then a packed GEMM per group (and per chunk of samples).</summary>
        Im2ColGemm = 0,
        /// <summary>1x1 kernel, stride 1, no padding: the input already is the column matrix; pure GEMM.</summary>
        PointwiseGemm = 1,
        /// <summary>One group per input channel: a direct vectorised stencil per plane, no GEMM.</summary>
        Depthwise = 2,
        /// <summary>
        /// Stride-1 rows on the AVX2 kernel: an indirect GEMM reading each kernel tap straight from a zero-padded copy
        /// of the input, no column matrix generated or packed (<see cref="RowConv"/>). Backward is im2col + GEMM.
        /// </summary>
        IndirectRows = 3,
        /// <summary>
        /// The AVX2 kernel with output channels filling 16-channel tiles: an indirect GEMM whose tiles are 6 output
        /// positions (flattened across row ends, any stride) x 16 output channels, each position reading its taps from
        /// a zero-padded copy of the input (<see cref="PositionConv"/>). Backward is im2col + GEMM.
        /// </summary>
        IndirectPositions = 4,
    }

    /// <summary>The descriptor flattened into an unmanaged struct that parallel jobs can carry.</summary>
    internal struct ConvGeometry
    {
        public int C;
        public int H;
        public int W;
        public int M;
        public int KH;
        public int KW;
        public int SH;
        public int SW;
        public int PT;
        public int PL;
        public int DH;
        public int DW;
        public int G;
        public int OH;
        public int OW;

        public readonly int CG => C / G;

        public readonly int MG => M / G;

        public readonly int HW => H * W;

        public readonly int OHW => OH * OW;

        /// <summary>Rows of the im2col matrix of one group: (C/G)·KH·KW.</summary>
        public readonly int KG => CG * KH * KW;

        /// <summary>Rows of a zero-padded input plane: only the part the kernel can reach.</summary>
        public readonly int PaddedHeight => ((OH - 1) * SH) + ((KH - 1) * DH) + 1;

        /// <summary>Columns of a zero-padded input plane: only the part the kernel can reach.</summary>
        public readonly int PaddedWidth => ((OW - 1) * SW) + ((KW - 1) * DW) + 1;

        /// <summary>Offset of each row k = (c, kh, kw) of a group's column matrix in the group's zero-padded planes.</summary>
        public readonly int[] TapOffsets()
        {
            int hp = PaddedHeight, wp = PaddedWidth;
            var offsets = new int[KG];
            int k = 0;
            for (int c = 0; c < CG; c++)
            {
                for (int kh = 0; kh < KH; kh++)
                {
                    for (int kw = 0; kw < KW; kw++)
                    {
                        offsets[k++] = (c * hp * wp) + (kh * DH * wp) + (kw * DW);
                    }
                }
            }

            return offsets;
        }

        /// <summary>
        /// The zero-padded planes of group <paramref name="grp"/> of sample <paramref name="n"/> of input
        /// <paramref name="x"/> (the layout <see cref="TapOffsets"/> indexes), only the rows output rows
        /// [<paramref name="oh0"/>, <paramref name="oh1"/>) read, copied into <paramref name="dst"/>.
        /// </summary>
        public readonly unsafe void PadGroupRows(float* x, int n, int grp, float* dst, int oh0, int oh1)
        {
            float* planes = x + ((((long)n * C) + ((long)grp * CG)) * HW);
            long padded = (long)PaddedHeight * PaddedWidth;
            int r0 = oh0 * SH, r1 = ((oh1 - 1) * SH) + ((KH - 1) * DH) + 1;
            for (int c = 0; c < CG; c++)
            {
                PadRows(planes + ((long)c * HW), dst + (c * padded), r0, r1);
            }
        }

        /// <summary>
        /// Copies rows [r0, r1) of the zero-padded version of input plane <paramref name="src"/> (H x W) into
        /// <paramref name="dst"/> (PaddedHeight x PaddedWidth), so stencil loops need no bounds checks.
        /// </summary>
        public readonly unsafe void PadRows(float* src, float* dst, int r0, int r1)
        {
            int wp = PaddedWidth;
            PadRowRange(src, r0 - PT, dst + ((nint)r0 * wp), r1 - r0, wp);
        }

        /// <summary>
        /// <paramref name="rows"/> zero-padded rows of <paramref name="width"/> floats, one after another from
        /// <paramref name="dst"/>: input rows <paramref name="ih0"/>, <paramref name="ih0"/> + 1, ... of plane
        /// <paramref name="src"/>, each as <see cref="PadRow"/> writes it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly unsafe void PadRowRange(float* src, int ih0, float* dst, int rows, int width)
        {
            for (int i = 0; i < rows; i++)
            {
                PadRow(src, ih0 + i, dst + ((nint)i * width), width);
            }
        }

        /// <summary>
        /// One zero-padded row of <paramref name="width"/> floats at <paramref name="dst"/>: row <paramref name="ih"/>
        /// of input plane <paramref name="src"/> from column <see cref="PL"/> on, zeros around it (all zeros outside the
        /// input). Inline vector copies and clears rather than Span.Clear / CopyTo: rows are short (a 16-wide map pads to
        /// 17 or 18) and the calls cost more than the copy (alternating in one process: the Fashion CNN 1.04x at batch 1
        /// and 1.03x at 32, ResNet-18 1.035x at batch 1, and Winograd's 32x32 and 16x16 layers 1.07-1.09x at batch 1;
        /// Zen 5, AVX-512).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal readonly unsafe void PadRow(float* src, int ih, float* dst, int width)
        {
            if ((uint)ih >= (uint)H)
            {
                ClearRun(dst, width);
                return;
            }

            int left = Math.Min(PL, width);
            int count = Math.Clamp(width - PL, 0, W);
            ClearRun(dst, left);
            Im2Col.CopyShort(src + ((nint)ih * W), dst + left, count);
            ClearRun(dst + left + count, width - left - count);
        }

        /// <summary>Zeros a short run inline, as <see cref="Im2Col.CopyShort"/> copies one (see <see cref="PadRow"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe void ClearRun(float* dst, int n)
        {
            int j = 0;
            for (; j <= n - 8; j += 8)
            {
                Vector256<float>.Zero.Store(dst + j);
            }

            for (; j < n; j++)
            {
                dst[j] = 0f;
            }
        }

        public static ConvGeometry From(Conv2DDescriptor d) => new()
        {
            C = d.InChannels,
            H = d.InHeight,
            W = d.InWidth,
            M = d.OutChannels,
            KH = d.KernelHeight,
            KW = d.KernelWidth,
            SH = d.StrideHeight,
            SW = d.StrideWidth,
            PT = d.PadTop,
            PL = d.PadLeft,
            DH = d.DilationHeight,
            DW = d.DilationWidth,
            G = d.Groups,
            OH = d.OutHeight,
            OW = d.OutWidth,
        };
    }
}
