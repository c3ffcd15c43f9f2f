using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Cpu
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
                    var job = new DotJob { X = x, W = w, B = bp, Y = y, Batch = batch, In = inFeatures, Out = outFeatures, Act = activation };
                    int tasks = CpuWorkerPool.AvailableThreads > 1 && (long)inFeatures * outFeatures >= 1 << 16 ? Math.Min(outFeatures, CpuWorkerPool.AvailableThreads * 4) : 1;
                    job.PerTask = (outFeatures + tasks - 1) / tasks;
                    CpuWorkerPool.Current.Run(ref job, (outFeatures + job.PerTask - 1) / job.PerTask);
                    return;
                }

                Gemm.Multiply(false, true, batch, outFeatures, inFeatures, 1f, x, inFeatures, w, inFeatures, 0f, y, outFeatures,
                    rowBias: null, columnBias: bp, activation);
            }
        }

        /// <summary>
        /// Packs W once as the GEMM's B operand (Wᵀ in the micro-kernel's column slivers, 64-byte aligned) for
        /// <see cref="ForwardPrepacked"/>: inference then packs only the activations, not the weights, per call.
        /// </summary>
        internal static float[] PackWeights(ReadOnlySpan<float> weight, int inFeatures, int outFeatures)
        {
            Check(1, inFeatures, outFeatures);
            ConvPlan.CheckLength(weight, (long)outFeatures * inFeatures, nameof(weight));
            var packed = ConvPlan.AllocatePinned(GemmEngine.PackedBSize(Gemm.DefaultKernel, inFeatures, outFeatures) + ConvPlan.AlignmentSlack);
            fixed (float* w = weight)
            {
                GemmEngine.PackB(Gemm.DefaultKernel, true, w, inFeatures, inFeatures, outFeatures, ConvPlan.PinAligned(packed), parallel: true);
            }

            return packed;
        }

        /// <summary>
        /// <see cref="Forward"/> with <paramref name="packedWeight"/> from <see cref="PackWeights"/> of the same
        /// <paramref name="weight"/>. Batches of the dot-product path, and products the GEMM would run with its
        /// operands swapped (a narrow output such as 10 logits), take <see cref="Forward"/>.
        /// </summary>
        internal static void ForwardPrepacked(
            ReadOnlySpan<float> input, ReadOnlySpan<float> weight, float[] packedWeight, ReadOnlySpan<float> bias, Span<float> output,
            int batch, int inFeatures, int outFeatures, Activation activation = Activation.None)
        {
            if (batch <= DotProductBatchLimit || Gemm.ShouldSwap(Gemm.DefaultKernel, batch, outFeatures))
            {
                Forward(input, weight, bias, output, batch, inFeatures, outFeatures, activation);
                return;
            }

            Check(batch, inFeatures, outFeatures);
            ConvPlan.CheckLength(input, (long)batch * inFeatures, nameof(input));
            ConvPlan.CheckLength(output, (long)batch * outFeatures, nameof(output));
            ConvPlan.CheckLength(packedWeight, GemmEngine.PackedBSize(Gemm.DefaultKernel, inFeatures, outFeatures) + ConvPlan.AlignmentSlack, nameof(packedWeight));
            if (!bias.IsEmpty)
            {
                ConvPlan.CheckLength(bias, outFeatures, nameof(bias));
            }

            fixed (float* x = input)
            fixed (float* b = bias)
            fixed (float* y = output)
            {
                GemmEngine.Multiply(Gemm.DefaultKernel, false, true, batch, outFeatures, inFeatures, 1f, x, inFeatures, null, inFeatures, 0f, y, outFeatures,
                    transC: false, biasM: null, biasN: bias.IsEmpty ? null : b, activation, parallel: true, packedB: ConvPlan.PinAligned(packedWeight));
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
}
