using ILGPU;
using ILGPU.Algorithms;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// The layer math, one output element per call (index over the whole batch, NCHW). Kernels, generated or
/// library, are thin wrappers over these, so every backend path computes the same thing the same way.
/// </summary>
public static class DeviceOps
{
    public static void Conv2D(int index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> b, ArrayView<float> y, ConvShape s)
    {
        var wo = index % s.Wo;
        var t = index / s.Wo;
        var ho = t % s.Ho;
        t /= s.Ho;
        var co = t % s.Cout;
        var n = t / s.Cout;
        var cinPerGroup = s.Cin / s.Groups;
        var firstChannel = (co / (s.Cout / s.Groups)) * cinPerGroup;
        var acc = s.HasBias != 0 ? b[co] : 0f;
        for (var ci = 0; ci < cinPerGroup; ci++)
        {
            var xBase = ((n * s.Cin) + firstChannel + ci) * s.H;
            var wBase = ((co * cinPerGroup) + ci) * s.KH;
            for (var kh = 0; kh < s.KH; kh++)
            {
                var ih = (ho * s.StrideH) - s.PadTop + (kh * s.DilationH);
                if (ih < 0 || ih >= s.H)
                {
                    continue;
                }

                for (var kw = 0; kw < s.KW; kw++)
                {
                    var iw = (wo * s.StrideW) - s.PadLeft + (kw * s.DilationW);
                    if (iw >= 0 && iw < s.W)
                    {
                        acc += x[((xBase + ih) * s.W) + iw] * w[((wBase + kh) * s.KW) + kw];
                    }
                }
            }
        }

        y[index] = DeviceMath.Activate(acc, s.Activation);
    }

    public static void Pool(int index, ArrayView<float> x, ArrayView<float> y, PoolShape s)
    {
        var wo = index % s.Wo;
        var t = index / s.Wo;
        var ho = t % s.Ho;
        var nc = t / s.Ho;
        var xBase = nc * s.H * s.W;
        var max = float.NegativeInfinity;
        var sum = 0f;
        var count = 0;
        for (var kh = 0; kh < s.KH; kh++)
        {
            var ih = (ho * s.StrideH) - s.PadTop + (kh * s.DilationH);
            for (var kw = 0; kw < s.KW; kw++)
            {
                var iw = (wo * s.StrideW) - s.PadLeft + (kw * s.DilationW);
                if (ih >= 0 && ih < s.H && iw >= 0 && iw < s.W)
                {
                    var v = x[xBase + (ih * s.W) + iw];
                    max = v > max ? v : max;
                    sum += v;
                    count++;
                }
                else if (s.IncludePad != 0 && ih < s.H + s.PadBottom && iw < s.W + s.PadRight)
                {
                    count++; // a padded position inside the padded input counts as a zero
                }
            }
        }

        y[index] = s.Kind == PoolShape.Max ? max : sum / count;
    }

    /// <summary>Index over N * C: the mean of one channel.</summary>
    public static void GlobalAveragePool(int index, ArrayView<float> x, ArrayView<float> y, int spatial)
    {
        var sum = 0f;
        var start = index * spatial;
        for (var i = 0; i < spatial; i++)
        {
            sum += x[start + i];
        }

        y[index] = sum / spatial;
    }

    public static void Dense(int index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> b, ArrayView<float> y, DenseShape s)
    {
        var o = index % s.Outputs;
        var n = index / s.Outputs;
        var acc = s.HasBias != 0 ? b[o] : 0f;
        var xBase = n * s.Inputs;
        var wBase = o * s.Inputs;
        for (var k = 0; k < s.Inputs; k++)
        {
            acc += x[xBase + k] * w[wBase + k];
        }

        y[index] = DeviceMath.Activate(acc, s.Activation);
    }

    /// <summary>Index over M * N: ONNX Gemm, alpha * A'B' + beta * C with transposes and a broadcast C.</summary>
    public static void Gemm(int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> y, GemmShape s)
    {
        var n = index % s.N;
        var m = index / s.N;
        var acc = 0f;
        for (var k = 0; k < s.K; k++)
        {
            var av = s.TransA != 0 ? a[(k * s.M) + m] : a[(m * s.K) + k];
            var bv = s.TransB != 0 ? b[(n * s.K) + k] : b[(k * s.N) + n];
            acc += av * bv;
        }

        var result = s.Alpha * acc;
        if (s.HasC != 0)
        {
            result += s.Beta * c[(m * s.CRowStride) + (n * s.CColStride)];
        }

        y[index] = result;
    }

    /// <summary>Index over Batch * M * N: one element of a batched matrix product with broadcast batch dimensions.</summary>
    public static void MatMul(int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, MatMulShape s)
    {
        var n = index % s.N;
        var t = index / s.N;
        var m = t % s.M;
        var batch = t / s.M;
        var aBase = s.Batch.OffsetA(batch) + (m * s.K);
        var bBase = s.Batch.OffsetB(batch) + n;
        var acc = 0f;
        for (var k = 0; k < s.K; k++)
        {
            acc += a[aBase + k] * b[bBase + (k * s.N)];
        }

        y[index] = acc;
    }

    /// <summary>Index over Outer * Inner: one softmax row along the middle axis.</summary>
    public static void Softmax(int index, ArrayView<float> x, ArrayView<float> y, SoftmaxShape s)
    {
        var inner = index % s.Inner;
        var outer = index / s.Inner;
        var start = (outer * s.Axis * s.Inner) + inner;
        var max = float.NegativeInfinity;
        for (var a = 0; a < s.Axis; a++)
        {
            max = XMath.Max(max, x[start + (a * s.Inner)]);
        }

        var sum = 0f;
        for (var a = 0; a < s.Axis; a++)
        {
            var e = XMath.Exp(x[start + (a * s.Inner)] - max);
            y[start + (a * s.Inner)] = e;
            sum += e;
        }

        for (var a = 0; a < s.Axis; a++)
        {
            y[start + (a * s.Inner)] /= sum;
        }
    }

    public static void ChannelAffine(int index, ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> y, ChannelAffineShape s)
    {
        var c = (index / s.Inner) % s.C;
        y[index] = DeviceMath.Activate((x[index] * scale[c]) + shift[c], s.Activation);
    }

    public static void Add(int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int activation) =>
        y[index] = DeviceMath.Activate(a[index] + b[index], activation);

    /// <summary>Index over the broadcast output: act(a + b) with numpy broadcasting.</summary>
    public static void BroadcastAdd(int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, BroadcastShape s, int activation) =>
        y[index] = DeviceMath.Activate(a[s.OffsetA(index)] + b[s.OffsetB(index)], activation);

    public static void Activation(int index, ArrayView<float> x, ArrayView<float> y, int activation) =>
        y[index] = DeviceMath.Activate(x[index], activation);

    public static void Copy(int index, ArrayView<float> x, ArrayView<float> y) => y[index] = x[index];

    /// <summary>Index over the part's elements: writes them at their channel offset in the joined tensor.</summary>
    public static void ConcatPart(int index, ArrayView<float> part, ArrayView<float> y, ConcatShape s)
    {
        var inner = index % s.Inner;
        var t = index / s.Inner;
        var c = t % s.Channels;
        var outer = t / s.Channels;
        y[(((outer * s.Total) + s.Offset + c) * s.Inner) + inner] = part[index];
    }

    public static void PackFloat16(int index, ArrayView<float> x, ArrayView<ushort> wire) => wire[index] = DeviceMath.ToFloat16Bits(x[index]);

    public static void UnpackFloat16(int index, ArrayView<ushort> wire, ArrayView<float> x) => x[index] = DeviceMath.FromFloat16Bits(wire[index]);

    public static void PackBFloat16(int index, ArrayView<float> x, ArrayView<ushort> wire) => wire[index] = DeviceMath.ToBFloat16Bits(x[index]);

    public static void UnpackBFloat16(int index, ArrayView<ushort> wire, ArrayView<float> x) => x[index] = DeviceMath.FromBFloat16Bits(wire[index]);

    /// <summary>Index over samples: the symmetric Int8 scale of one sample, max|x| / 127.</summary>
    public static void Int8Scale(int sample, ArrayView<float> x, ArrayView<float> scales, int elements)
    {
        var max = 0f;
        var start = sample * elements;
        for (var i = 0; i < elements; i++)
        {
            max = XMath.Max(max, XMath.Abs(x[start + i]));
        }

        scales[sample] = max / 127f;
    }

    public static void Int8Quantize(int index, ArrayView<float> x, ArrayView<float> scales, ArrayView<sbyte> wire, int elements)
    {
        var scale = scales[index / elements];
        var q = scale > 0 ? DeviceMath.RoundHalfEven(x[index] / scale) : 0f;
        wire[index] = (sbyte)(q > 127f ? 127f : (q < -127f ? -127f : q));
    }

    public static void Int8Dequantize(int index, ArrayView<sbyte> wire, ArrayView<float> scales, ArrayView<float> x, int elements) =>
        x[index] = wire[index] * scales[index / elements];

    /// <summary>
    /// Index over wire bytes (batch x ceil(elements x bits / 8)): one byte of the truncation's bit stream, from the
    /// values whose bits fall in it (at most 8 / bits + 2), each sample from a byte boundary (<c>TruncatedFormat</c>).
    /// </summary>
    public static void PackTruncated(int index, ArrayView<float> x, ArrayView<byte> wire, int elements, int bits)
    {
        var sampleBytes = (int)((((long)elements * bits) + 7) / 8);
        var sample = index / sampleBytes;
        var firstBit = (long)(index - (sample * sampleBytes)) * 8;
        var value = 0u;
        for (var v = (int)(firstBit / bits); v < elements && (long)v * bits < firstBit + 8; v++)
        {
            var top = (uint)Interop.FloatAsInt(x[(sample * elements) + v]) >> (32 - bits);
            var offset = (int)(((long)v * bits) - firstBit);
            value |= offset >= 0 ? top << offset : top >> -offset;
        }

        wire[index] = (byte)value;
    }

    /// <summary>Index over values: reads the value's bits (at most 5 bytes) and zero-fills the low ones.</summary>
    public static void UnpackTruncated(int index, ArrayView<byte> wire, ArrayView<float> x, int elements, int bits)
    {
        var sampleBytes = (int)((((long)elements * bits) + 7) / 8);
        var sample = index / elements;
        var bit = (long)(index - (sample * elements)) * bits;
        var first = (sample * sampleBytes) + (int)(bit / 8);
        var shift = (int)(bit % 8);
        var bytes = (shift + bits + 7) / 8;
        var word = 0UL;
        for (var b = 0; b < bytes; b++)
        {
            word |= (ulong)wire[first + b] << (8 * b);
        }

        var top = (uint)((word >> shift) & ((1UL << bits) - 1));
        x[index] = Interop.IntAsFloat(top << (32 - bits));
    }
}
