using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Fully connected layer y = act(x·Wᵀ + b) with the PyTorch weight layout W [out, in]; x is [batch, in]
    /// (an NCHW tensor is flattened per sample), y is [batch, out].
    /// </summary>
    public static unsafe class Dense
    {
        /// <summary>Batches up to this size run as dot products over W's rows (memory-bound: W is read once, not packed).</summary>
        internal const int DotProductBatchLimit = 2;

        public static void Forward(
            ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output,
            int batch, int inFeatures, int outFeatures, Activation activation = Activation.None)
        {
            Check(batch, inFeatures, outFeatures);
            ConvPlan.CheckLength(input, (long)batch * inFeatures, nameof(input));
            ConvPlan.CheckLength(weight, (long)outFeatures * inFeatures, nameof(weight));
            ConvPlan.CheckLength(output, (long)batch * outFeatures, nameof(output));
            if (!bias.IsEmpty)
            {
                ConvPlan.CheckLength(bias, outFeatures, nameof(bias));
            }

            if (batch == 0)
            {
                return;
            }

            fixed (float* x = input)
            fixed (float* w = weight)
            fixed (float* b = bias)
            fixed (float* y = output)
            {
                float* bp = bias.IsEmpty ? null : b;
                if (batch <= DotProductBatchLimit)
                {
                    // One contiguous block of W's rows per thread: the caller claims block 0 first and a worker the
                    // next, so from call to call each core tends to read the same rows, and a weight matrix up to about
                    // the cores' summed L2 (the Fashion CNN's 1.6 MB on 2 x 1 MiB) stays there between calls instead
                    // of coming from L3 or memory. Finer tasks would mix the rows over the cores every call.
                    var job = new DotJob { X = x, W = w, B = bp, Y = y, Batch = batch, In = inFeatures, Out = outFeatures, Act = activation };
                    int tasks = CpuWorkerPool.AvailableThreads > 1 && (long)inFeatures * outFeatures >= 1 << 16 ? Math.Min(outFeatures, CpuWorkerPool.AvailableThreads) : 1;
                    job.PerTask = (outFeatures + tasks - 1) / tasks;
                    CpuWorkerPool.Current.Run(ref job, (outFeatures + job.PerTask - 1) / job.PerTask);
                    return;
                }

                Gemm.Multiply(false, true, batch, outFeatures, inFeatures, 1f, x, inFeatures, w, inFeatures, 0f, y, outFeatures,
                    rowBias: null, columnBias: bp, activation);
            }
        }

        /// <summary>
        /// Gradients given dL/d(pre-activation output) <paramref name="gradOutput"/> [batch, out]. Any of the three
        /// outputs may be empty to skip it; the others are overwritten.
        /// </summary>
        public static void Backward(
            ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
            Span<float> gradInput, Span<float> gradWeight, Span<float> gradBias,
            int batch, int inFeatures, int outFeatures)
        {
            Check(batch, inFeatures, outFeatures);
            ConvPlan.CheckLength(gradOutput, (long)batch * outFeatures, nameof(gradOutput));
            if (!gradInput.IsEmpty)
            {
                ConvPlan.CheckLength(weight, (long)outFeatures * inFeatures, nameof(weight));
                ConvPlan.CheckLength(gradInput, (long)batch * inFeatures, nameof(gradInput));
                // dx [batch, in] = dy [batch, out] · W [out, in]
                Gemm.Multiply(false, false, batch, inFeatures, outFeatures, 1f, gradOutput, outFeatures, weight, inFeatures, 0f, gradInput, inFeatures);
            }

            if (!gradWeight.IsEmpty)
            {
                ConvPlan.CheckLength(input, (long)batch * inFeatures, nameof(input));
                ConvPlan.CheckLength(gradWeight, (long)outFeatures * inFeatures, nameof(gradWeight));
                // dW [out, in] = dyᵀ [out, batch] · x [batch, in]
                Gemm.Multiply(true, false, outFeatures, inFeatures, batch, 1f, gradOutput, outFeatures, input, inFeatures, 0f, gradWeight, inFeatures);
            }

            if (!gradBias.IsEmpty)
            {
                ConvPlan.CheckLength(gradBias, outFeatures, nameof(gradBias));
                SumRows(gradOutput, gradBias.Slice(0, outFeatures), batch, outFeatures);
            }
        }

        /// <summary>sums[j] = Σ_i x[i, j] (rows added in order, vectorised along the row).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void SumRows(ReadOnlySpan<float> x, Span<float> sums, int rows, int cols)
        {
            sums.Clear();
            for (int i = 0; i < rows; i++)
            {
                TensorPrimitives.Add(sums, x.Slice(i * cols, cols), sums);
            }
        }

        private static void Check(int batch, int inFeatures, int outFeatures)
        {
            if (batch < 0 || inFeatures <= 0 || outFeatures <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), "Dense sizes must be positive (batch may be 0).");
            }
        }

        private struct DotJob : IParallelJob
        {
            public float* X;
            public float* W;
            public float* B;
            public float* Y;
            public int Batch;
            public int In;
            public int Out;
            public int PerTask;
            public Activation Act;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int o0 = task * PerTask;
                int o1 = Math.Min(Out, o0 + PerTask);
                for (int n = 0; n < Batch; n++)
                {
                    var x = new ReadOnlySpan<float>(X + ((long)n * In), In);
                    float* y = Y + ((long)n * Out);
                    for (int o = o0; o < o1; o++)
                    {
                        y[o] = TensorPrimitives.Dot(new ReadOnlySpan<float>(W + ((long)o * In), In), x);
                    }

                    Activations.BiasActivateRun(y + o0, o1 - o0, 0f, B == null ? null : B + o0, Act);
                }
            }
        }
    }

    /// <summary>
    /// A dense layer for inference with its weights packed once for the GEMM, in the orientation that fills the
    /// micro-kernel's MR x NR tiles better for the batch: y = x·Wᵀ with Wᵀ as the B operand, or yᵀ = W·xᵀ with W as
    /// the A operand (batch 32 in 6-row tiles fills 32/36, 128 outputs fill 128/132; measured 300 against 370 µs for
    /// the Fashion CNN's 3136 → 128 layer). Each packed copy is made on the first call that needs it, like the
    /// executor's per-batch buffers; batches of one or two take <see cref="Dense.Forward"/>'s dot products.
    /// </summary>
    internal sealed unsafe class DensePlan(int inFeatures, int outFeatures, Activation activation)
    {
        private float[] _weight = Array.Empty<float>();
        private float[]? _packedA;
        private float[]? _packedB;

        public void LoadWeights(float[] weight)
        {
            ConvPlan.CheckLength(weight, (long)outFeatures * inFeatures, nameof(weight));
            (_weight, _packedA, _packedB) = (weight, null, null);
        }

        public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output, int batch)
        {
            GemmKernel kernel = Gemm.DefaultKernel;
            int mr = GemmEngine.MR(kernel), nr = GemmEngine.NR(kernel);
            if (batch <= Dense.DotProductBatchLimit)
            {
                Dense.Forward(input, _weight, bias, output, batch, inFeatures, outFeatures, activation);
                return;
            }

            ConvPlan.CheckLength(input, (long)batch * inFeatures, nameof(input));
            ConvPlan.CheckLength(output, (long)batch * outFeatures, nameof(output));
            if (!bias.IsEmpty)
            {
                ConvPlan.CheckLength(bias, outFeatures, nameof(bias));
            }

            bool weightsAsA = GemmEngine.Fill(outFeatures, mr) * GemmEngine.Fill(batch, nr) >= GemmEngine.Fill(batch, mr) * GemmEngine.Fill(outFeatures, nr);
            fixed (float* x = input)
            fixed (float* w = _weight)
            fixed (float* b = bias)
            fixed (float* y = output)
            {
                float* bp = bias.IsEmpty ? null : b;
                var p = new GemmProblem { K = inFeatures, Alpha = 1f, Beta = 0f, C = y, Ldc = outFeatures, Activation = activation };
                if (weightsAsA)
                {
                    // yᵀ [out x batch] = W · xᵀ, written transposed into y [batch x out].
                    if (_packedA is null)
                    {
                        _packedA = ConvPlan.AllocatePinned(GemmEngine.PackedASize(kernel, outFeatures, inFeatures) + ConvPlan.AlignmentSlack);
                        GemmEngine.PackA(kernel, false, w, inFeatures, outFeatures, inFeatures, ConvPlan.PinAligned(_packedA), parallel: true);
                    }

                    p.M = outFeatures;
                    p.N = batch;
                    p.PackedA = ConvPlan.PinAligned(_packedA);
                    p.B = x;
                    p.Ldb = inFeatures;
                    p.TransB = true;
                    p.TransC = true;
                    p.BiasM = bp;
                }
                else
                {
                    // y [batch x out] = x · Wᵀ: x is packed per call, Wᵀ once.
                    if (_packedB is null)
                    {
                        _packedB = ConvPlan.AllocatePinned(GemmEngine.PackedBSize(kernel, inFeatures, outFeatures) + ConvPlan.AlignmentSlack);
                        GemmEngine.PackB(kernel, true, w, inFeatures, inFeatures, outFeatures, ConvPlan.PinAligned(_packedB), parallel: true);
                    }

                    float* packedX = ThreadScratch.Get(ScratchSlot.PackA, GemmEngine.PackedASize(kernel, batch, inFeatures));
                    GemmEngine.PackA(kernel, false, x, inFeatures, batch, inFeatures, packedX, parallel: true);
                    p.M = batch;
                    p.N = outFeatures;
                    p.PackedA = packedX;
                    p.PackedB = ConvPlan.PinAligned(_packedB);
                    p.BiasN = bp;
                }

                GemmEngine.Compute(kernel, ref p, parallel: true);
            }
        }
    }
}
