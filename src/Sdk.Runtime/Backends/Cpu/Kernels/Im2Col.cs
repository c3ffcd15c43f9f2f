using System;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// im2col and its adjoint col2im for one sample and one group. Row r = (c·KH + kh)·KW + kw of the column
    /// matrix holds, for every output position (oh, ow), the input pixel that kernel tap (kh, kw) of channel c
    /// sees there (0 in the padding). The row order matches the weight layout [M, C/G, KH, KW], so the forward
    /// convolution of a group is W_g [M/G x KG] times the column matrix [KG x OH·OW].
    /// </summary>
    internal static unsafe class Im2Col
    {
        /// <summary>
        /// Fills rows of channels [c0, c1) (group-local) of the column matrix. <paramref name="x"/> points at channel 0
        /// of the group in one sample; row r starts at col + r·ldCol.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Forward(in ConvGeometry g, float* x, int c0, int c1, float* col, nint ldCol)
        {
            int ow = g.OW;
            for (int c = c0; c < c1; c++)
            {
                float* plane = x + ((nint)c * g.HW);
                for (int kh = 0; kh < g.KH; kh++)
                {
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        float* row = col + ((((nint)c * g.KH) + kh) * g.KW + kw) * ldCol;
                        int offW = (kw * g.DW) - g.PL;
                        ValidRange(offW, g.SW, g.W, ow, out int owStart, out int owEnd);
                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            int ih = (oh * g.SH) - g.PT + (kh * g.DH);
                            float* dst = row + ((nint)oh * ow);
                            if ((uint)ih >= (uint)g.H || owStart >= owEnd)
                            {
                                new Span<float>(dst, ow).Clear();
                                continue;
                            }

                            float* src = plane + ((nint)ih * g.W) + offW;
                            for (int o = 0; o < owStart; o++)
                            {
                                dst[o] = 0f;
                            }

                            if (g.SW == 1)
                            {
                                new ReadOnlySpan<float>(src + owStart, owEnd - owStart).CopyTo(new Span<float>(dst + owStart, owEnd - owStart));
                            }
                            else
                            {
                                for (int o = owStart; o < owEnd; o++)
                                {
                                    dst[o] = src[(nint)o * g.SW];
                                }
                            }

                            for (int o = owEnd; o < ow; o++)
                            {
                                dst[o] = 0f;
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Adds the rows of channels [c0, c1) of a column-matrix gradient back into the input gradient <paramref name="dx"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Backward(in ConvGeometry g, float* dcol, nint ldCol, int c0, int c1, float* dx)
        {
            int ow = g.OW;
            for (int c = c0; c < c1; c++)
            {
                float* plane = dx + ((nint)c * g.HW);
                for (int kh = 0; kh < g.KH; kh++)
                {
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        float* row = dcol + ((((nint)c * g.KH) + kh) * g.KW + kw) * ldCol;
                        int offW = (kw * g.DW) - g.PL;
                        ValidRange(offW, g.SW, g.W, ow, out int owStart, out int owEnd);
                        if (owStart >= owEnd)
                        {
                            continue;
                        }

                        for (int oh = 0; oh < g.OH; oh++)
                        {
                            int ih = (oh * g.SH) - g.PT + (kh * g.DH);
                            if ((uint)ih >= (uint)g.H)
                            {
                                continue;
                            }

                            float* src = row + ((nint)oh * ow);
                            float* dst = plane + ((nint)ih * g.W) + offW;
                            if (g.SW == 1)
                            {
                                System.Numerics.Tensors.TensorPrimitives.Add(
                                    new ReadOnlySpan<float>(dst + owStart, owEnd - owStart),
                                    new ReadOnlySpan<float>(src + owStart, owEnd - owStart),
                                    new Span<float>(dst + owStart, owEnd - owStart));
                            }
                            else
                            {
                                for (int o = owStart; o < owEnd; o++)
                                {
                                    dst[(nint)o * g.SW] += src[o];
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Implicit im2col, the row source of <see cref="GemmProblem.BRow"/>: writes row k of the column matrix of a
        /// chunk of samples (columns j0 .. j0+count, sample-major) straight from the input, so the forward pass
        /// never materialises the column matrix: the GEMM packer turns input rows into packed slivers in one pass.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void FillRow(void* context, int k, int j0, int count, float* dst)
        {
            var s = (ImplicitColumns*)context;
            ref readonly ConvGeometry g = ref s->G;
            int taps = g.KH * g.KW;
            int c = k / taps;
            int tap = k - (c * taps);
            int kh = tap / g.KW;
            int kw = tap - (kh * g.KW);
            int offW = (kw * g.DW) - g.PL;
            ValidRange(offW, g.SW, g.W, g.OW, out int owStart, out int owEnd);
            int ohw = g.OHW;
            int sample = j0 / ohw;
            int pos = j0 - (sample * ohw);
            int oh = pos / g.OW;
            int ow = pos - (oh * g.OW);
            float* plane = s->X + (sample * s->InSample) + ((nint)c * g.HW);
            while (count > 0)
            {
                int len = Math.Min(count, g.OW - ow);
                int ih = (oh * g.SH) - g.PT + (kh * g.DH);
                int a = Math.Max(ow, owStart);
                int b = Math.Min(ow + len, owEnd);
                if ((uint)ih >= (uint)g.H || b <= a)
                {
                    new Span<float>(dst, len).Clear();
                }
                else
                {
                    float* src = plane + ((nint)ih * g.W) + offW;
                    for (int o = ow; o < a; o++)
                    {
                        dst[o - ow] = 0f;
                    }

                    if (g.SW == 1)
                    {
                        CopyShort(src + a, dst + (a - ow), b - a);
                    }
                    else
                    {
                        for (int o = a; o < b; o++)
                        {
                            dst[o - ow] = src[(nint)o * g.SW];
                        }
                    }

                    for (int o = b; o < ow + len; o++)
                    {
                        dst[o - ow] = 0f;
                    }
                }

                dst += len;
                count -= len;
                ow += len;
                if (ow == g.OW)
                {
                    ow = 0;
                    if (++oh == g.OH)
                    {
                        oh = 0;
                        plane += s->InSample;
                    }
                }
            }
        }

        /// <summary>
        /// Copies a run of one feature-map row (tens of floats at most): a call to memmove per run costs more than the
        /// copy, so whole vectors inline, a ragged end as one more vector flush with the run's end.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void CopyShort(float* src, float* dst, int n)
        {
            if (n < 8)
            {
                for (int i = 0; i < n; i++)
                {
                    dst[i] = src[i];
                }

                return;
            }

            int j = 0;
            for (; j <= n - 8; j += 8)
            {
                Vector256.Store(Vector256.Load(src + j), dst + j);
            }

            if (j < n)
            {
                Vector256.Store(Vector256.Load(src + n - 8), dst + n - 8);
            }
        }

        /// <summary>Output columns [start, end) whose input column o·stride + offset lies in [0, width).</summary>
        internal static void ValidRange(int offset, int stride, int width, int outWidth, out int start, out int end)
        {
            // o·stride + offset ≥ 0  ⇔  o ≥ ceil(-offset / stride);  o·stride + offset ≤ width - 1.
            start = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
            int last = width - 1 - offset;
            end = last < 0 ? 0 : (last / stride) + 1;
            start = Math.Min(start, outWidth);
            end = Math.Clamp(end, start, outWidth);
        }
    }
}

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>Context of <see cref="Im2Col.FillRow"/>: the geometry and the group's channel 0 in the chunk's first sample.</summary>
    internal unsafe struct ImplicitColumns
    {
        public ConvGeometry G;
        public float* X;
        public nint InSample;
    }
}
