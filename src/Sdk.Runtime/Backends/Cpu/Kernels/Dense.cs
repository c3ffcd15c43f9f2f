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
    /// <remarks>
    /// Deep layers with few outputs (<see cref="SplitsDepth"/>) split the depth instead of the outputs over the threads:
    /// split by outputs or samples, every core reads the whole input batch (half of it from the other core's cache, where
    /// the layer before wrote it) and packs it for the GEMM; split by depth, a core reads only its share of the input and
    /// of the weights, and the shares' partial products (batch x out, small next to batch x in) are added once. The
    /// Fashion CNN's 3136 → 128 layer: 165 → 91 µs at batch 32, 256 → 171 at 64 (Zen 5, AVX-512, alternating in one process).
    /// </remarks>
    internal sealed unsafe class DensePlan(int inFeatures, int outFeatures, Activation activation)
    {
        /// <summary>
        /// Depth shares of a split call: fixed, so the partial sums and their order, and so the result, are the same on
        /// any number of threads; more threads split each share's outputs (or samples) further.
        /// </summary>
        internal const int DepthShares = 2;

        private float[] _weight = Array.Empty<float>();
        private float[]? _packedA;
        private float[]? _packedB;
        private readonly float[]?[] _shareA = new float[DepthShares][];
        private readonly float[]?[] _shareB = new float[DepthShares][];

        public void LoadWeights(float[] weight)
        {
            ConvPlan.CheckLength(weight, (long)outFeatures * inFeatures, nameof(weight));
            (_weight, _packedA, _packedB) = (weight, null, null);
            Array.Clear(_shareA);
            Array.Clear(_shareB);
        }

        /// <summary>
        /// Whether calls on more than one thread split the depth: at least 1024 inputs, and at least 4 per output (the
        /// partial products then stay a quarter of the input batch or less).
        /// </summary>
        internal bool SplitsDepth => inFeatures >= 1024 && inFeatures >= 4 * outFeatures;

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
                if (SplitsDepth && CpuWorkerPool.AvailableThreads > 1)
                {
                    ForwardSplitDepth(kernel, weightsAsA, x, w, bp, y, batch);
                    return;
                }

                var p = new GemmProblem { K = inFeatures, Alpha = 1f, Beta = 0f, C = y, Ldc = outFeatures, Activation = activation };
                if (weightsAsA)
                {
                    // yᵀ [out x batch] = W · xᵀ, written transposed into y [batch x out].
                    _packedA ??= PackWeightsAsA(kernel, w, 0, inFeatures);
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
                    _packedB ??= PackWeightsAsB(kernel, w, 0, inFeatures);
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

        /// <summary>
        /// y = act(Σ_share x[:, share] · W[:, share]ᵀ + b): each task computes one share's product over a range of outputs
        /// (written straight to y for the first share, to a partial buffer for the second), then the caller adds the
        /// partial, the bias and the activation, in that order.
        /// </summary>
        private void ForwardSplitDepth(GemmKernel kernel, bool weightsAsA, float* x, float* w, float* bias, float* y, int batch)
        {
            var job = new DepthShareJob
            {
                Kernel = kernel, WeightsAsA = weightsAsA, X = x, Y = y, Batch = batch, In = inFeatures, Out = outFeatures,
                Partial = ThreadScratch.Get(ScratchSlot.DensePartial, (long)batch * outFeatures),
            };

            // Output ranges per share: whole tiles (MR rows of W, or NR columns of Wᵀ), as many as the threads allow.
            int tile = weightsAsA ? GemmEngine.MR(kernel) : GemmEngine.NR(kernel);
            int tiles = (outFeatures + tile - 1) / tile;
            int parts = Math.Min(tiles, Math.Max(1, CpuWorkerPool.AvailableThreads / DepthShares));
            job.OutStep = (tiles + parts - 1) / parts * tile;
            job.Parts = (outFeatures + job.OutStep - 1) / job.OutStep;
            job.Weights0 = SharePacked(kernel, weightsAsA, w, 0);
            job.Weights1 = SharePacked(kernel, weightsAsA, w, 1);
            CpuWorkerPool.Current.Run(ref job, DepthShares * job.Parts);
            long length = (long)batch * outFeatures;
            TensorPrimitives.Add(new ReadOnlySpan<float>(y, (int)length), new ReadOnlySpan<float>(job.Partial, (int)length), new Span<float>(y, (int)length));
            for (int n = 0; n < batch; n++)
            {
                Activations.BiasActivateRun(y + ((long)n * outFeatures), outFeatures, 0f, bias, activation);
            }
        }

        /// <summary>A depth share's weights, packed on first use in the orientation the call runs.</summary>
        private float* SharePacked(GemmKernel kernel, bool weightsAsA, float* w, int share)
        {
            var (k0, k1) = DepthShare(inFeatures, share);
            return ConvPlan.PinAligned(weightsAsA
                ? _shareA[share] ??= PackWeightsAsA(kernel, w, k0, k1)
                : _shareB[share] ??= PackWeightsAsB(kernel, w, k0, k1));
        }

        /// <summary>Input features [k0, k1) of a depth share: halves, the first rounded down to a multiple of 64.</summary>
        private static (int K0, int K1) DepthShare(int inFeatures, int share)
        {
            int split = inFeatures / DepthShares / 64 * 64;
            return share == 0 ? (0, split) : (split, inFeatures);
        }

        /// <summary>W[:, k0..k1) packed as the GEMM's A operand (rows = outputs).</summary>
        private float[] PackWeightsAsA(GemmKernel kernel, float* w, int k0, int k1)
        {
            var packed = ConvPlan.AllocatePinned(GemmEngine.PackedASize(kernel, outFeatures, k1 - k0) + ConvPlan.AlignmentSlack);
            GemmEngine.PackA(kernel, false, w + k0, inFeatures, outFeatures, k1 - k0, ConvPlan.PinAligned(packed), parallel: true);
            return packed;
        }

        /// <summary>W[:, k0..k1)ᵀ packed as the GEMM's B operand (columns = outputs).</summary>
        private float[] PackWeightsAsB(GemmKernel kernel, float* w, int k0, int k1)
        {
            var packed = ConvPlan.AllocatePinned(GemmEngine.PackedBSize(kernel, k1 - k0, outFeatures) + ConvPlan.AlignmentSlack);
            GemmEngine.PackB(kernel, true, w + k0, inFeatures, k1 - k0, outFeatures, ConvPlan.PinAligned(packed), parallel: true);
            return packed;
        }

        private struct DepthShareJob : IParallelJob
        {
            public GemmKernel Kernel;
            public bool WeightsAsA;
            public float* X;
            public float* Y;
            public float* Partial;
            public float* Weights0;
            public float* Weights1;
            public int Batch;
            public int In;
            public int Out;
            public int OutStep;
            public int Parts;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int share = task % DepthShares;
                int o0 = task / DepthShares * OutStep;
                int o1 = Math.Min(Out, o0 + OutStep);
                var (k0, k1) = DepthShare(In, share);
                var p = new GemmProblem
                {
                    K = k1 - k0, Alpha = 1f, Beta = 0f, C = share == 0 ? Y : Partial, Ldc = Out,
                };
                if (WeightsAsA)
                {
                    p.M = Out;
                    p.N = Batch;
                    p.PackedA = share == 0 ? Weights0 : Weights1;
                    p.B = X + k0;
                    p.Ldb = In;
                    p.TransB = true;
                    p.TransC = true;
                    GemmEngine.ComputeBlock(Kernel, ref p, o0, o1, 0, Batch);
                }
                else
                {
                    float* packedX = ThreadScratch.Get(ScratchSlot.PackA, GemmEngine.PackedASize(Kernel, Batch, k1 - k0));
                    GemmEngine.PackA(Kernel, false, X + k0, In, Batch, k1 - k0, packedX, parallel: false);
                    p.M = Batch;
                    p.N = Out;
                    p.PackedA = packedX;
                    p.PackedB = share == 0 ? Weights0 : Weights1;
                    GemmEngine.ComputeBlock(Kernel, ref p, 0, Batch, o0, o1);
                }
            }
        }
    }
}
