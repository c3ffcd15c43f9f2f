using System;

namespace Sdk.Runtime.Cpu
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
