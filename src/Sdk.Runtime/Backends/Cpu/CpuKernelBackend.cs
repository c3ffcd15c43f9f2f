using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using Sdk.Runtime.Backends.Ilgpu;
using Sdk.Runtime.Backends;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// <see cref="IKernelBackend"/> on the vectorised CPU kernels that a <see cref="CpuChip"/> runs
    /// (<see cref="ConvPlan"/>, <see cref="Pooling"/>, <see cref="Gemm"/>, <see cref="Dense"/>,
    /// <see cref="BatchNorm"/>, <see cref="Softmax"/>, <see cref="Activations"/>, <see cref="TensorOps"/>),
    /// split over <see cref="CpuWorkerPool.Current"/> of the calling thread. The shape structs are mapped onto
    /// the kernels' descriptors; what no kernel covers (a broadcast C of Gemm, numpy broadcasting of Add, batched
    /// MatMul) is done here with the kernels on contiguous runs.
    /// </summary>
    /// <remarks>
    /// Calls are independent (a convolution plans per call), so one instance may be used from several threads.
    /// A <see cref="PoolShape"/> whose output size is neither the floor nor the ceil_mode size of its window is
    /// rejected (<see cref="ArgumentException"/>), as is any array whose length does not match its shape. A
    /// dilated pooling window that reads only padding (an input narrower than the dilation) is declined with a
    /// <see cref="NotSupportedException"/> ("Pool: window = ... is not supported: ..."); the ILGPU kernel would
    /// return -inf or 0 there.
    /// </remarks>
    public sealed class CpuKernelBackend : IKernelBackend
    {
        public string Name => $"CPU ({Cpu.Gemm.DefaultKernel})";

        public float[] Conv2D(float[] x, int batch, float[] w, float[]? b, ConvShape s)
        {
            RequireLength(x, (long)batch * s.Cin * s.H * s.W, "Conv2D input");
            if (s.Groups <= 0 || s.Cin % s.Groups != 0 || s.Cout % s.Groups != 0)
            {
                throw new ArgumentException($"Conv2D: {s.Groups} groups do not divide Cin {s.Cin} and Cout {s.Cout}.", nameof(s));
            }

            RequireLength(w, (long)s.Cout * (s.Cin / s.Groups) * s.KH * s.KW, "Conv2D weight");
            RequireBias(b, s.HasBias, s.Cout, "Conv2D");
            long outputs = (long)batch * s.OutputsPerSample;
            if (outputs == 0)
            {
                return [];
            }

            // ConvShape gives the output size and the leading pads; the trailing pads are what the last window needs.
            var d = new Conv2DDescriptor
            {
                InChannels = s.Cin,
                InHeight = s.H,
                InWidth = s.W,
                OutChannels = s.Cout,
                KernelHeight = s.KH,
                KernelWidth = s.KW,
                StrideHeight = s.StrideH,
                StrideWidth = s.StrideW,
                PadTop = s.PadTop,
                PadLeft = s.PadLeft,
                PadBottom = TrailingPad(s.H, s.Ho, s.KH, s.StrideH, s.PadTop, s.DilationH),
                PadRight = TrailingPad(s.W, s.Wo, s.KW, s.StrideW, s.PadLeft, s.DilationW),
                DilationHeight = s.DilationH,
                DilationWidth = s.DilationW,
                Groups = s.Groups,
                Activation = ToActivation(s.Activation),
            };
            if (d.OutHeight != s.Ho || d.OutWidth != s.Wo)
            {
                throw new ArgumentException($"Conv2D: output {s.Ho} x {s.Wo} does not follow from the input, window, strides and pads ({d.OutHeight} x {d.OutWidth}).", nameof(s));
            }

            var y = new float[outputs];
            new ConvPlan(d).Forward(x, w, b, y, batch);
            return y;
        }

        public float[] Pool(float[] x, int batch, PoolShape s)
        {
            RequireLength(x, (long)batch * s.C * s.H * s.W, "Pool input");
            if (s.Kind is not (PoolShape.Max or PoolShape.Average))
            {
                throw new ArgumentException($"Pool: kind {s.Kind} is neither {PoolShape.Max} (max) nor {PoolShape.Average} (average).", nameof(s));
            }

            long outputs = (long)batch * s.OutputsPerSample;
            if (outputs == 0)
            {
                return [];
            }

            var d = new Pool2DDescriptor
            {
                Channels = s.C,
                InHeight = s.H,
                InWidth = s.W,
                KernelHeight = s.KH,
                KernelWidth = s.KW,
                StrideHeight = s.StrideH,
                StrideWidth = s.StrideW,
                PadTop = s.PadTop,
                PadLeft = s.PadLeft,
                PadBottom = s.PadBottom,
                PadRight = s.PadRight,
                DilationHeight = s.DilationH,
                DilationWidth = s.DilationW,
                CountIncludePad = s.IncludePad != 0,
            };

            // The shape carries the output size, not ceil_mode: floor sizes, else ceil_mode ones.
            if (d.OutHeight != s.Ho || d.OutWidth != s.Wo)
            {
                d = d with { CeilMode = true };
                if (d.OutHeight != s.Ho || d.OutWidth != s.Wo)
                {
                    throw new ArgumentException($"Pool: output {s.Ho} x {s.Wo} is neither the floor nor the ceil_mode size of the window.", nameof(s));
                }
            }

            if (d.HasWindowWithoutInput())
            {
                throw new NotSupportedException(
                    $"Pool: window = {s.KH} x {s.KW} dilated {s.DilationH} x {s.DilationW} on {s.H} x {s.W} is not supported: a window reads only padding.");
            }

            var y = new float[outputs];
            if (s.Kind == PoolShape.Max)
            {
                Pooling.MaxForward(d, x, y, Span<int>.Empty, batch);
            }
            else
            {
                Pooling.AvgForward(d, x, y, batch);
            }

            return y;
        }

        public float[] GlobalAveragePool(float[] x, int batch, int channels, int spatial)
        {
            RequireLength(x, (long)batch * channels * spatial, "GlobalAveragePool input");
            if (spatial <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spatial), spatial, "GlobalAveragePool needs at least one element per channel.");
            }

            var y = new float[(long)batch * channels];
            Pooling.GlobalAvgForward(x, y, batch, channels, spatial);
            return y;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public float[] Dense(float[] x, int batch, float[] w, float[]? b, DenseShape s)
        {
            RequireLength(x, (long)batch * s.Inputs, "Dense input");
            RequireLength(w, (long)s.Outputs * s.Inputs, "Dense weight");
            RequireBias(b, s.HasBias, s.Outputs, "Dense");
            var y = new float[(long)batch * s.Outputs];
            if (y.Length == 0)
            {
                return y;
            }

            Activation activation = ToActivation(s.Activation);
            if (s.Inputs == 0)
            {
                // An empty sum: every row is the bias.
                for (int n = 0; n < batch && b is not null; n++)
                {
                    b.CopyTo(y, n * s.Outputs);
                }

                Activations.Forward(activation, y);
                return y;
            }

            Cpu.Dense.Forward(x, w, b, y, batch, s.Inputs, s.Outputs, activation);
            return y;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public float[] Gemm(float[] a, float[] b, float[]? c, GemmShape s)
        {
            RequireLength(a, (long)s.M * s.K, "Gemm A");
            RequireLength(b, (long)s.K * s.N, "Gemm B");
            if ((c is null) != (s.HasC == 0))
            {
                throw new ArgumentException($"Gemm: C is {(c is null ? "missing" : "given")}, but the shape says HasC = {s.HasC}.", nameof(c));
            }

            if (c is not null)
            {
                RequireLength(c, ((long)(s.M - 1) * s.CRowStride) + ((long)(s.N - 1) * s.CColStride) + 1, "Gemm C");
            }

            var y = new float[(long)s.M * s.N];
            if (y.Length == 0)
            {
                return y;
            }

            // y = beta·C (broadcast by its strides: each row a copy of a C row, or one value), then y = alpha·A'B' + y.
            if (c is not null)
            {
                for (int m = 0; m < s.M; m++)
                {
                    Span<float> row = y.AsSpan(m * s.N, s.N);
                    if (s.CColStride == 0)
                    {
                        row.Fill(c[m * s.CRowStride]);
                    }
                    else
                    {
                        c.AsSpan(m * s.CRowStride, s.N).CopyTo(row);
                    }
                }
            }

            if (s.K == 0)
            {
                TensorPrimitives.Multiply(y, c is null ? 0f : s.Beta, y);
                return y;
            }

            Cpu.Gemm.Multiply(
                s.TransA != 0, s.TransB != 0, s.M, s.N, s.K, s.Alpha, a, s.TransA != 0 ? s.M : s.K, b, s.TransB != 0 ? s.K : s.N,
                c is null ? 0f : s.Beta, y, s.N);
            return y;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public float[] MatMul(float[] a, float[] b, MatMulShape s)
        {
            int batches = s.BatchCount;
            RequireLength(a, batches == 0 ? 0 : s.Batch.OffsetA(batches - 1) + ((long)s.M * s.K), "MatMul A");
            RequireLength(b, batches == 0 ? 0 : s.Batch.OffsetB(batches - 1) + ((long)s.K * s.N), "MatMul B");
            var y = new float[(long)batches * s.M * s.N];
            if (y.Length == 0 || s.K == 0)
            {
                return y; // nothing to compute, or empty sums
            }

            int mk = s.M * s.K, kn = s.K * s.N, mn = s.M * s.N;

            // One B for every batch and A's matrices back to back (x·W): a single GEMM with the batches as rows.
            bool sharedB = true, packedA = true;
            for (int i = 0; i < batches && (sharedB || packedA); i++)
            {
                sharedB &= s.Batch.OffsetB(i) == 0;
                packedA &= s.Batch.OffsetA(i) == (long)i * mk;
            }

            if (sharedB && packedA)
            {
                Cpu.Gemm.Multiply(false, false, batches * s.M, s.N, s.K, 1f, a, s.K, b, s.N, 0f, y, s.N);
                return y;
            }

            for (int i = 0; i < batches; i++)
            {
                Cpu.Gemm.Multiply(
                    false, false, s.M, s.N, s.K, 1f, a.AsSpan(s.Batch.OffsetA(i), mk), s.K, b.AsSpan(s.Batch.OffsetB(i), kn), s.N,
                    0f, y.AsSpan(i * mn, mn), s.N);
            }

            return y;
        }

        public float[] BatchNormInference(float[] x, int batch, float[] scale, float[] bias, float[] mean, float[] variance, float epsilon, ChannelAffineShape s)
        {
            RequireLength(x, (long)batch * s.C * s.Inner, "BatchNorm input");
            RequireLength(scale, s.C, "BatchNorm scale");
            var (channelScale, channelShift) = InferenceParameters.BatchNormScaleShift(scale, bias, mean, variance, epsilon);
            var y = new float[x.Length];
            if (y.Length > 0)
            {
                BatchNorm.Affine(x, channelScale, channelShift, y, batch, s.C, s.Inner, ToActivation(s.Activation));
            }

            return y;
        }

        public float[] Softmax(float[] x, SoftmaxShape s)
        {
            RequireLength(x, (long)s.Outer * s.Axis * s.Inner, "Softmax input");
            var y = new float[x.Length];
            if (y.Length > 0)
            {
                Cpu.Softmax.Forward(x, y, s.Outer, s.Axis, s.Inner);
            }

            return y;
        }

        public float[] Activation(float[] x, Activation activation)
        {
            ArgumentNullException.ThrowIfNull(x);
            var y = new float[x.Length];
            Activations.Forward(activation, x, y);
            return y;
        }

        public float[] Add(float[] a, float[] b, BroadcastShape s, Activation activation = Sdk.Activation.None)
        {
            // The last output element reads the last element of each operand.
            RequireLength(a, s.Elements == 0 ? 0 : s.OffsetA(s.Elements - 1) + 1L, "Add A");
            RequireLength(b, s.Elements == 0 ? 0 : s.OffsetB(s.Elements - 1) + 1L, "Add B");
            var y = new float[s.Elements];
            if (y.Length == 0)
            {
                return y;
            }

            if (a.Length == y.Length && b.Length == y.Length)
            {
                // Equal shapes: the kernel a compiled Add layer runs.
                TensorOps.Add(a, b, y, activation);
                return y;
            }

            BroadcastAdd(a, b, y, s);
            Activations.Forward(activation, y);
            return y;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public float[] Concat(IReadOnlyList<float[]> parts, int outer, IReadOnlyList<int> channels, int inner)
        {
            ArgumentNullException.ThrowIfNull(parts);
            ArgumentNullException.ThrowIfNull(channels);
            if (parts.Count != channels.Count || parts.Count == 0)
            {
                throw new ArgumentException($"Concat: {parts.Count} parts but {channels.Count} channel counts (need at least one).", nameof(channels));
            }

            int total = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                RequireLength(parts[i], (long)outer * channels[i] * inner, $"Concat part {i}");
                total += channels[i];
            }

            var y = new float[(long)outer * total * inner];
            int offset = 0;
            for (int i = 0; i < parts.Count && y.Length > 0; i++)
            {
                TensorOps.ConcatChannels(parts[i], channels[i], y, total, offset, outer, inner);
                offset += channels[i];
            }

            return y;
        }

        public void Dispose()
        {
        }

        /// <summary>
        /// y = a + b with numpy broadcasting, a run at a time: the innermost dimensions that both operands walk
        /// the same way (contiguously, or repeating one element) form a run, added with one vectorised call.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BroadcastAdd(float[] a, float[] b, float[] y, BroadcastShape s)
        {
            int[] d = [s.D0, s.D1, s.D2, s.D3, s.D4, s.D5];
            int[] sa = [s.A0, s.A1, s.A2, s.A3, s.A4, s.A5];
            int[] sb = [s.B0, s.B1, s.B2, s.B3, s.B4, s.B5];
            int last = BroadcastShape.MaxRank - 1;
            while (last > 0 && d[last] == 1)
            {
                last--;
            }

            // The innermost dimension of an operand has stride 1 (it advances) or 0 (it repeats); outer ones join
            // the run while they continue that pattern (stride = elements so far, or 0). Size-1 dimensions join freely.
            bool aStep = sa[last] != 0, bStep = sb[last] != 0;
            int run = d[last];
            for (int i = last - 1; i >= 0; i--)
            {
                if (d[i] == 1)
                {
                    continue;
                }

                if (sa[i] != (aStep ? run : 0) || sb[i] != (bStep ? run : 0))
                {
                    break;
                }

                run *= d[i];
            }

            for (int start = 0; start < y.Length; start += run)
            {
                int oa = s.OffsetA(start), ob = s.OffsetB(start);
                Span<float> target = y.AsSpan(start, run);
                if (aStep && bStep)
                {
                    TensorPrimitives.Add(a.AsSpan(oa, run), b.AsSpan(ob, run), target);
                }
                else if (aStep)
                {
                    TensorPrimitives.Add(a.AsSpan(oa, run), b[ob], target);
                }
                else if (bStep)
                {
                    TensorPrimitives.Add(b.AsSpan(ob, run), a[oa], target);
                }
                else
                {
                    target.Fill(a[oa] + b[ob]);
                }
            }
        }

        /// <summary>The end padding the last of <paramref name="output"/> windows reaches beyond the input (0 if none).</summary>
        private static int TrailingPad(int input, int output, int kernel, int stride, int padBegin, int dilation) =>
            (int)Math.Max(0, ((long)(output - 1) * stride) + ((long)(kernel - 1) * dilation) + 1 - input - padBegin);

        private static Activation ToActivation(int value) =>
            Enum.IsDefined((Activation)value)
                ? (Activation)value
                : throw new ArgumentOutOfRangeException(nameof(value), value, "Not an Activation value.");

        private static void RequireLength(float[] data, long expected, string what)
        {
            ArgumentNullException.ThrowIfNull(data, what);
            if (data.LongLength != expected)
            {
                throw new ArgumentException($"{what} holds {data.LongLength} elements; its shape needs {expected}.");
            }
        }

        private static void RequireBias(float[]? b, int hasBias, int length, string op)
        {
            if ((b is null) != (hasBias == 0))
            {
                throw new ArgumentException($"{op}: the bias is {(b is null ? "missing" : "given")}, but the shape says HasBias = {hasBias}.");
            }

            if (b is not null)
            {
                RequireLength(b, length, $"{op} bias");
            }
        }
    }
}
